package org.patientvault.mobile.consents;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.consent.ConsentCodes;
import org.patientvault.consent.DataClass;

/**
 * App terms ⇄ the consent module's Consent profile (docs/consent.md §1). Writing: one root {@code permit} provision
 * whose period is the consent's validity, one recipient ({@code IRCP} actor by {@code sid/org} identifier, or the
 * "any approved AI firm" group), the purposes, the data classes and an explicit cross-border flag. Reading: a
 * Consent of exactly that shape is shown in app terms; any other shape (nested provisions, denies, modalities, …) is
 * {@code other}. Pure.
 */
final class ConsentTerms {

    static final Set<String> KINDS = Set.of("share", "ai-training");
    static final Map<String, Coding> PURPOSES = Map.of(
            "treatment", new Coding(ConsentCodes.V3_ACT_REASON, ConsentCodes.TREAT, null),
            "ai-training", new Coding(ConsentCodes.PURPOSE_SYSTEM, ConsentCodes.PURPOSE_AI_TRAINING, null),
            "research", new Coding(ConsentCodes.V3_ACT_REASON, ConsentCodes.HRESCH, null));
    private static final String V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    private ConsentTerms() {
    }

    /** What a request asks for, checked; the problems in app terms (field → message) if it cannot be granted. */
    record Checked(String kind, String recipient, int days, List<String> classes, List<String> purposes,
                   boolean crossBorder) {
    }

    static Checked check(ConsentRequest r, Map<String, String> problems) {
        String kind = r.kind();
        if (kind == null || !KINDS.contains(kind)) {
            problems.put("kind", "must be 'share' or 'ai-training'");
            return null;
        }
        boolean share = kind.equals("share");
        String recipient = share ? r.hospital() : r.aiFirm();
        if (share && (recipient == null || recipient.isBlank())) {
            problems.put("hospital", "is required: the hospital to share with");
        }
        if (recipient != null && !recipient.matches("[A-Za-z0-9._\\-]{1,64}")) {
            problems.put(share ? "hospital" : "aiFirm", "must be an id such as hosp-shanghai");
        }
        if (share && r.aiFirm() != null) {
            problems.put("aiFirm", "is for ai-training consents only");
        }
        if (!share && r.hospital() != null) {
            problems.put("hospital", "is for share consents only");
        }
        int days = r.days() == null ? 0 : r.days();
        if (share && r.days() == null) {
            problems.put("days", "is required: how many days to share");
        } else if (r.days() != null && (days < 1 || days > 3650)) {
            problems.put("days", "must be between 1 and 3650");
        }
        List<String> classes = new ArrayList<>();
        for (String c : r.dataClasses() == null ? List.<String>of() : r.dataClasses()) {
            if (c == null || DataClass.fromCode(c).isEmpty()) {
                problems.put("dataClasses", "must be among imaging, laboratory, checkup, vital-signs, conditions, "
                        + "medications, documents, all");
            } else if (!classes.contains(c)) {
                classes.add(c);
            }
        }
        if (classes.contains("all") || classes.isEmpty()) {
            classes = List.of("all");
        }
        List<String> purposes = new ArrayList<>();
        if (share) {
            if (r.purposes() != null && !r.purposes().isEmpty() && !r.purposes().equals(List.of("treatment"))) {
                problems.put("purposes", "a share consent is for treatment only");
            }
            purposes.add("treatment");
        } else {
            for (String p : r.purposes() == null || r.purposes().isEmpty() ? List.of("ai-training") : r.purposes()) {
                if (!"ai-training".equals(p) && !"research".equals(p)) {
                    problems.put("purposes", "must be among ai-training, research");
                } else if (!purposes.contains(p)) {
                    purposes.add(p);
                }
            }
        }
        return new Checked(kind, recipient, days, List.copyOf(classes), List.copyOf(purposes),
                Boolean.TRUE.equals(r.crossBorder()));
    }

    static Consent toFhir(Checked c, String patientId, LocalDate today) {
        boolean share = c.kind().equals("share");
        Consent consent = new Consent();
        consent.setStatus(Consent.ConsentState.ACTIVE);
        consent.setScope(new CodeableConcept(new Coding(ConsentCodes.SCOPE_SYSTEM,
                share ? "patient-privacy" : "research", null)));
        consent.addCategory(new CodeableConcept(new Coding(ConsentCodes.LOINC, "59284-0", "Patient consent")));
        consent.setPatient(new Reference("Patient/" + patientId));
        consent.addPerformer(new Reference("Patient/" + patientId));
        consent.setDateTimeElement(DateTimeType.now());
        consent.setPolicyRule(new CodeableConcept(new Coding(V3_ACT_CODE, "OPTIN", null)));
        Consent.ProvisionComponent p = consent.getProvision();
        p.setType(Consent.ConsentProvisionType.PERMIT);
        Period period = new Period().setStartElement(new DateTimeType(today.toString()));
        if (c.days() > 0) {
            period.setEndElement(new DateTimeType(today.plusDays(c.days()).toString()));
        }
        p.setPeriod(period);
        Reference who = c.recipient() != null
                ? new Reference().setIdentifier(new Identifier().setSystem(ConsentCodes.ORG_SYSTEM)
                .setValue(c.recipient()))
                : new Reference().setIdentifier(new Identifier().setSystem(ConsentCodes.RECIPIENT_GROUP_SYSTEM)
                .setValue(ConsentCodes.ANY_AI_FIRM));
        p.addActor().setRole(new CodeableConcept(new Coding(ConsentCodes.PARTICIPATION_TYPE, ConsentCodes.IRCP,
                null))).setReference(who);
        for (String purpose : c.purposes()) {
            p.addPurpose(PURPOSES.get(purpose).copy());
        }
        for (String cls : c.classes()) {
            if (!cls.equals("all")) {
                p.addClass_(new Coding(ConsentCodes.DATA_CLASS_SYSTEM, cls, null));
            }
        }
        p.addExtension(new Extension(ConsentCodes.CROSS_BORDER_EXTENSION, new BooleanType(c.crossBorder())));
        return consent;
    }

    /** A stored Consent in app terms; {@code kind} {@code other} when it is not of the app's shape. */
    record Terms(String kind, String recipient, boolean anyAiFirm, List<String> classes, List<String> purposes,
                 Boolean crossBorder, String from, String until) {
    }

    static Terms read(Consent consent) {
        Consent.ProvisionComponent p = consent.getProvision();
        String scope = consent.getScope().getCoding().stream()
                .filter(c -> ConsentCodes.SCOPE_SYSTEM.equals(c.getSystem())).map(Coding::getCode).findFirst()
                .orElse(null);
        String kind = "patient-privacy".equals(scope) ? "share" : "research".equals(scope) ? "ai-training" : "other";
        String from = p.hasPeriod() && p.getPeriod().hasStart() ? day(p.getPeriod().getStartElement()) : null;
        String until = p.hasPeriod() && p.getPeriod().hasEnd() ? day(p.getPeriod().getEndElement()) : null;
        boolean appShape = p.getType() == Consent.ConsentProvisionType.PERMIT && !p.hasProvision()
                && p.getActor().size() == 1 && !p.hasCode() && !p.hasDataPeriod() && !p.hasData()
                && !p.hasSecurityLabel();
        String recipient = null;
        boolean any = false;
        if (appShape) {
            Identifier id = p.getActorFirstRep().getReference().getIdentifier();
            if (ConsentCodes.ORG_SYSTEM.equals(id.getSystem()) && id.hasValue()) {
                recipient = id.getValue();
            } else if (ConsentCodes.RECIPIENT_GROUP_SYSTEM.equals(id.getSystem())
                    && ConsentCodes.ANY_AI_FIRM.equals(id.getValue())) {
                any = true;
            } else {
                appShape = false;
            }
        }
        Set<String> classes = new LinkedHashSet<>();
        p.getClass_().forEach(c -> classes.add(c.getCode()));
        if (classes.isEmpty()) {
            classes.add("all");
        }
        List<String> purposes = new ArrayList<>();
        for (Coding c : p.getPurpose()) {
            PURPOSES.forEach((name, coding) -> {
                if (coding.getSystem().equals(c.getSystem()) && coding.getCode().equals(c.getCode())) {
                    purposes.add(name);
                }
            });
        }
        Extension cb = p.getExtensionByUrl(ConsentCodes.CROSS_BORDER_EXTENSION);
        Boolean crossBorder = cb != null && cb.getValue() instanceof BooleanType b ? b.getValue() : null;
        if (!appShape) {
            kind = "other";
        }
        return new Terms(kind, recipient, any, List.copyOf(classes), purposes, crossBorder, from, until);
    }

    private static String day(DateTimeType d) {
        String s = d.getValueAsString();
        return s == null ? null : s.length() > 10 ? s.substring(0, 10) : s;
    }
}
