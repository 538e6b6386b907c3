package org.patientvault.consent;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Consent.ConsentState;
import org.hl7.fhir.r4.model.Consent.ProvisionComponent;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * Validates a patient-authored {@code Consent} before it is stored, and reports every problem with its location, so
 * that the app can answer one precise {@code OperationOutcome} (one issue per {@link Issue}, severity error, code
 * {@link Issue#type()}). An empty list means the consent is acceptable and {@link ConsentModel#parse} will accept it.
 * <p>
 * Rules: the patient is the author (self); status is draft, active, inactive or entered-in-error; scope is
 * patient-privacy or research; category and policyRule/policy present (R4 ppc-1); a root provision with a type;
 * every provision has a type, only known purposes, data classes, DICOM modalities and actor forms, periods with
 * start &lt;= end, a valueBoolean cross-border flag; purposes fit the scope; "any AI firm" only in research; every
 * permit names a recipient on its path; {@code provision.data} and {@code securityLabel} are not supported.
 * Cost: linear in the size of the Consent.
 */
public final class ConsentValidator {
    private ConsentValidator() {
    }

    /** One problem: FHIRPath-ish location, OperationOutcome issue type code, message. */
    public record Issue(String location, String type, String message) {
        public static final String REQUIRED = "required";
        public static final String CODE_INVALID = "code-invalid";
        public static final String VALUE = "value";
        public static final String INVARIANT = "invariant";
        public static final String BUSINESS_RULE = "business-rule";
        public static final String NOT_SUPPORTED = "not-supported";
    }

    private static final Set<ConsentState> PATIENT_STATES =
            Set.of(ConsentState.DRAFT, ConsentState.ACTIVE, ConsentState.INACTIVE, ConsentState.ENTEREDINERROR);

    public static List<Issue> validate(Consent consent, String patientId) {
        return validate(consent, patientId, ZoneOffset.UTC);
    }

    /**
     * @param consent   the Consent the patient submits
     * @param patientId the id part of the submitting patient's {@code Patient} resource
     * @param zone      zone in which partial dates are compared
     */
    public static List<Issue> validate(Consent consent, String patientId, ZoneId zone) {
        List<Issue> issues = new ArrayList<>();
        if (consent == null) {
            issues.add(new Issue("Consent", Issue.REQUIRED, "a Consent resource is required"));
            return issues;
        }
        if (patientId == null || patientId.isBlank()) {
            throw new IllegalArgumentException("patientId of the submitting patient is required");
        }
        if (!consent.hasStatus() || consent.getStatus() == ConsentState.NULL) {
            issues.add(new Issue("Consent.status", Issue.REQUIRED, "status is required"));
        } else if (!PATIENT_STATES.contains(consent.getStatus())) {
            issues.add(new Issue("Consent.status", Issue.CODE_INVALID, "a patient may set status draft, active, "
                    + "inactive (revoke) or entered-in-error, not " + consent.getStatus().toCode()));
        }
        ConsentScope scope = null;
        try {
            scope = ConsentModel.scopeOf(consent);
        } catch (ConsentParseException e) {
            issues.add(new Issue(e.location(), consent.hasScope() ? Issue.CODE_INVALID : Issue.REQUIRED, message(e)));
        }
        if (!consent.hasCategory()) {
            issues.add(new Issue("Consent.category", Issue.REQUIRED, "at least one category is required (e.g. "
                    + ConsentCodes.LOINC + "|59284-0)"));
        } else {
            checkCategories(consent.getCategory(), issues);
        }
        String self = "Patient/" + patientId;
        if (!consent.hasPatient() || !consent.getPatient().hasReference()) {
            issues.add(new Issue("Consent.patient", Issue.REQUIRED, "patient is required and must be " + self));
        } else if (!patientId.equals(ConsentModel.patientIdOf(consent.getPatient()))) {
            issues.add(new Issue("Consent.patient", Issue.BUSINESS_RULE, "a patient can only author consents about "
                    + "themselves: expected " + self));
        }
        for (int i = 0; i < consent.getPerformer().size(); i++) {
            Reference r = consent.getPerformer().get(i);
            if (!patientId.equals(ConsentModel.patientIdOf(r))) {
                issues.add(new Issue("Consent.performer[" + i + "]", Issue.BUSINESS_RULE,
                        "the performer of a patient-authored consent must be " + self));
            }
        }
        if (!consent.hasPolicyRule() && !consent.hasPolicy()) {
            issues.add(new Issue("Consent", Issue.INVARIANT, "ppc-1: either policy or policyRule is required "
                    + "(e.g. policyRule http://terminology.hl7.org/CodeSystem/v3-ActCode|OPTIN)"));
        }
        if (!consent.hasProvision()) {
            issues.add(new Issue("Consent.provision", Issue.REQUIRED, "a provision (permit or deny) is required"));
        } else {
            provision(consent.getProvision(), "Consent.provision", scope, false, zone, issues);
        }
        return List.copyOf(issues);
    }

    /**
     * The issues as one R4 OperationOutcome: one error issue per {@link Issue}, with {@code code} = its type,
     * {@code expression} = its location and {@code diagnostics} = its message. An empty list gives an outcome with
     * a single informational "all ok" issue.
     */
    public static OperationOutcome toOperationOutcome(List<Issue> issues) {
        OperationOutcome oo = new OperationOutcome();
        if (issues == null || issues.isEmpty()) {
            oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics("the consent is valid");
            return oo;
        }
        for (Issue i : issues) {
            OperationOutcome.IssueType type;
            try {
                type = OperationOutcome.IssueType.fromCode(i.type());
            } catch (org.hl7.fhir.exceptions.FHIRException e) {
                type = OperationOutcome.IssueType.INVALID;
            }
            oo.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type)
                    .setDiagnostics(i.message()).addExpression(i.location());
        }
        return oo;
    }

    private static void checkCategories(List<CodeableConcept> categories, List<Issue> issues) {
        boolean known = false;
        for (CodeableConcept cc : categories) {
            for (Coding c : cc.getCoding()) {
                if ((ConsentCodes.LOINC.equals(c.getSystem()) && ConsentCodes.LOINC_CATEGORIES.contains(c.getCode()))
                        || (ConsentCodes.CONSENT_CATEGORY_SYSTEM.equals(c.getSystem())
                        && ConsentCodes.CONSENT_CATEGORIES.contains(c.getCode()))) {
                    known = true;
                }
            }
        }
        if (!known) {
            issues.add(new Issue("Consent.category", Issue.CODE_INVALID, "no known category: use "
                    + ConsentCodes.LOINC + "|59284-0 or a " + ConsentCodes.CONSENT_CATEGORY_SYSTEM + " code"));
        }
    }

    private static void provision(ProvisionComponent p, String path, ConsentScope scope, boolean actorAbove,
                                  ZoneId zone, List<Issue> issues) {
        if (!p.hasType() || p.getType() == Consent.ConsentProvisionType.NULL) {
            issues.add(new Issue(path + ".type", Issue.REQUIRED, "type is required (permit or deny)"));
        }
        if (p.hasData()) {
            issues.add(new Issue(path + ".data", Issue.NOT_SUPPORTED,
                    "references to individual resources are not supported; restrict by data class, modality or dataPeriod"));
        }
        if (p.hasSecurityLabel()) {
            issues.add(new Issue(path + ".securityLabel", Issue.NOT_SUPPORTED, "security labels are not supported"));
        }
        period(p.getPeriod(), path + ".period", zone, issues);
        period(p.getDataPeriod(), path + ".dataPeriod", zone, issues);

        boolean actorHere = false;
        for (int i = 0; i < p.getActor().size(); i++) {
            Consent.provisionActorComponent a = p.getActor().get(i);
            String loc = path + ".actor[" + i + "]";
            if (!hasCoding(a.getRole(), ConsentCodes.PARTICIPATION_TYPE, ConsentCodes.IRCP)) {
                issues.add(new Issue(loc + ".role", a.hasRole() ? Issue.CODE_INVALID : Issue.REQUIRED,
                        "role must be " + ConsentCodes.PARTICIPATION_TYPE + "|IRCP (information recipient)"));
            }
            actorHere = true; // an invalid actor is reported once, not again as a missing recipient
            try {
                String key = ConsentModel.actorKey(a.getReference(), loc + ".reference");
                if (key == null && scope == ConsentScope.TREATMENT_SHARING) {
                    issues.add(new Issue(loc + ".reference", Issue.BUSINESS_RULE,
                            "'any AI firm' can only be named in a research consent"));
                }
            } catch (ConsentParseException e) {
                issues.add(new Issue(e.location(), Issue.VALUE, message(e)));
            }
        }
        for (int i = 0; i < p.getPurpose().size(); i++) {
            String loc = path + ".purpose[" + i + "]";
            try {
                Purpose pu = ConsentModel.purposeOf(p.getPurpose().get(i), loc);
                if (scope != null && pu.scope() != scope) {
                    issues.add(new Issue(loc, Issue.BUSINESS_RULE, "purpose " + pu + " does not belong in a "
                            + scope.code() + " consent (separate consent per purpose)"));
                }
            } catch (ConsentParseException e) {
                issues.add(new Issue(e.location(), Issue.CODE_INVALID, message(e)));
            }
        }
        boolean imagingAllowed = p.getClass_().isEmpty();
        for (int i = 0; i < p.getClass_().size(); i++) {
            try {
                DataClass dc = ConsentModel.dataClassOf(p.getClass_().get(i), path + ".class[" + i + "]");
                imagingAllowed |= dc == DataClass.IMAGING || dc == DataClass.ALL;
            } catch (ConsentParseException e) {
                issues.add(new Issue(e.location(), Issue.CODE_INVALID, message(e)));
                imagingAllowed = true;
            }
        }
        for (int i = 0; i < p.getCode().size(); i++) {
            List<Coding> codings = p.getCode().get(i).getCoding();
            if (codings.isEmpty()) {
                issues.add(new Issue(path + ".code[" + i + "]", Issue.REQUIRED, "a coding with a DICOM modality is required"));
            }
            for (int j = 0; j < codings.size(); j++) {
                try {
                    ConsentModel.modalityOf(codings.get(j), path + ".code[" + i + "].coding[" + j + "]");
                } catch (ConsentParseException e) {
                    issues.add(new Issue(e.location(), Issue.CODE_INVALID, message(e)));
                }
            }
            if (!imagingAllowed) {
                issues.add(new Issue(path + ".code[" + i + "]", Issue.BUSINESS_RULE,
                        "an imaging modality needs data class imaging (or no class restriction)"));
            }
        }
        try {
            ConsentModel.crossBorderOf(p, path);
        } catch (ConsentParseException e) {
            issues.add(new Issue(e.location(), Issue.VALUE, message(e)));
        }
        boolean actor = actorAbove || actorHere;
        if (p.getType() == Consent.ConsentProvisionType.PERMIT && !actor) {
            issues.add(new Issue(path + ".actor", Issue.BUSINESS_RULE,
                    "a permit must name its recipient (here or in an enclosing provision)"));
        }
        for (int i = 0; i < p.getProvision().size(); i++) {
            provision(p.getProvision().get(i), path + ".provision[" + i + "]", scope, actor, zone, issues);
        }
    }

    private static void period(Period period, String loc, ZoneId zone, List<Issue> issues) {
        if (period == null || !period.hasStart() || !period.hasEnd()) {
            return;
        }
        if (FhirDates.lower(period.getStartElement(), zone) >= FhirDates.upperExclusive(period.getEndElement(), zone)) {
            issues.add(new Issue(loc, Issue.INVARIANT, "per-1: start (" + period.getStartElement().getValueAsString()
                    + ") must not be after end (" + period.getEndElement().getValueAsString() + ")"));
        }
    }

    private static boolean hasCoding(CodeableConcept cc, String system, String code) {
        if (cc == null) {
            return false;
        }
        for (Coding c : cc.getCoding()) {
            if (system.equals(c.getSystem()) && code.equals(c.getCode())) {
                return true;
            }
        }
        return false;
    }

    private static String message(ConsentParseException e) {
        String m = e.getMessage();
        String prefix = e.location() + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
