package org.patientvault.vault.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.patientvault.consent.AccessRequest;
import org.patientvault.consent.ConsentExplainer;
import org.patientvault.consent.ConsentModel;
import org.patientvault.consent.DataClass;
import org.patientvault.consent.Purpose;
import org.patientvault.consent.Recipient;
import org.patientvault.consent.RecipientKind;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.consent.ResourceFacts;
import org.patientvault.vault.VaultProperties;
import org.springframework.stereotype.Component;

/**
 * {@code Patient/{id}/$consent-explain}: "would ai-lab get my CT from 2023 for AI training?" Evaluates a hypothetical
 * request against the patient's Consents with the consent module's own engine and explains the answer step by step.
 * It grants nothing: access is only ever decided by the consent service on real requests. Open to the patient
 * (their own record) and the admin; the authorization rules say so.
 */
@Component
public class ConsentExplainProvider {

    private final DaoRegistry daos;
    private final ZoneId zone;

    ConsentExplainProvider(DaoRegistry daos, VaultProperties vault) {
        this.daos = daos;
        this.zone = vault.zone();
    }

    @Operation(name = "$consent-explain", idempotent = true, type = org.hl7.fhir.r4.model.Patient.class)
    public Parameters explain(@IdParam IdType patient,
                              @OperationParam(name = "recipient", min = 1) StringType recipient,
                              @OperationParam(name = "recipientKind") CodeType recipientKind,
                              @OperationParam(name = "purpose", min = 1) CodeType purpose,
                              @OperationParam(name = "dataClass") CodeType dataClass,
                              @OperationParam(name = "modality") CodeType modality,
                              @OperationParam(name = "recordDate") DateType recordDate,
                              @OperationParam(name = "time") DateTimeType time,
                              @OperationParam(name = "crossBorder") BooleanType crossBorder) {
        // Every parameter is checked here, so a value the engine does not know is a 400 naming the parameter, never
        // an exception further down.
        Purpose p = switch (valueOf(purpose)) {
            case "treatment" -> Purpose.TREATMENT;
            case "ai-training" -> Purpose.AI_TRAINING;
            default -> throw new InvalidRequestException("purpose must be 'treatment' or 'ai-training'");
        };
        String recipientId = valueOf(recipient).strip();
        if (recipientId.isEmpty()) {
            throw new InvalidRequestException("recipient is required: an organisation's client id or Organization/<id>");
        }
        String kind = recipientKind == null ? (p == Purpose.AI_TRAINING ? "ai-firm" : "hospital")
                : valueOf(recipientKind);
        Recipient who = switch (kind) {
            case "ai-firm" -> recipient(recipientId, RecipientKind.AI_FIRM);
            case "hospital" -> recipient(recipientId, RecipientKind.HOSPITAL);
            default -> throw new InvalidRequestException("recipientKind must be 'hospital' or 'ai-firm'");
        };
        Instant recorded = recordDate == null ? null : startOf(recordDate);
        ResourceFacts facts;
        if (modality != null) {
            facts = ResourceFacts.imaging(modality.getValue(), recorded);
        } else {
            DataClass cls = dataClass == null ? null : DataClass.fromCode(valueOf(dataClass)).orElseThrow(() ->
                    new InvalidRequestException("Unknown dataClass '" + valueOf(dataClass) + "'"));
            facts = ResourceFacts.of(cls, recorded);
        }
        if (modality != null && valueOf(modality).isBlank()) {
            throw new InvalidRequestException("modality must be a DICOM modality code such as CT or MR");
        }
        if (time != null && time.getValue() == null) {
            throw new InvalidRequestException("time must be a FHIR dateTime");
        }
        AccessRequest request = new AccessRequest(who, p, time == null ? Instant.now() : time.getValue().toInstant(),
                facts, crossBorder != null && crossBorder.booleanValue());

        List<Consent> consents = daos.getResourceDao(Consent.class).search(
                        SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + patient.getIdPart())),
                        new SystemRequestDetails()).getAllResources().stream().map(Consent.class::cast).toList();
        ConsentExplainer.Explanation e = ConsentExplainer.explain(ConsentModel.parseAll(consents, zone), request);

        Parameters out = new Parameters();
        out.addParameter("decision", new CodeType(e.decision().effect().name().toLowerCase()));
        out.addParameter("code", new CodeType(e.decision().code().name()));
        out.addParameter("reason", new StringType(e.decision().reason()));
        if (e.decision().consentId() != null) {
            out.addParameter().setName("consent").setValue(new Reference(e.decision().consentId()));
        }
        for (ConsentExplainer.Step step : e.steps()) {
            Parameters.ParametersParameterComponent s = out.addParameter().setName("step");
            s.addPart().setName("location").setValue(new StringType(step.location()));
            s.addPart().setName("message").setValue(new StringType(step.message()));
        }
        return out;
    }

    private static String valueOf(org.hl7.fhir.r4.model.PrimitiveType<?> p) {
        return p == null || p.getValueAsString() == null ? "" : p.getValueAsString();
    }

    /** A FHIR date of any precision as the start of its middle day (a year: 1 July; a month: the 15th). */
    private Instant startOf(DateType date) {
        String v = valueOf(date);
        try {
            return LocalDate.parse(v.length() == 4 ? v + "-07-01" : v.length() == 7 ? v + "-15" : v)
                    .atStartOfDay(zone).toInstant();
        } catch (java.time.DateTimeException e) {
            throw new InvalidRequestException("recordDate must be a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)");
        }
    }

    /**
     * The recipient under both of its names, as the consent service sees a real caller (client id and
     * {@code Organization/<id>}), whichever of the two the patient typed. The organisation directory is public, so
     * resolving it tells the patient nothing new; an unknown name is explained as a recipient nobody names.
     */
    private Recipient recipient(String given, RecipientKind kind) {
        IFhirResourceDao<Organization> orgs = daos.getResourceDao(Organization.class);
        Organization org = null;
        if (given.startsWith("Organization/")) {
            try {
                org = orgs.read(new IdType(given).toUnqualifiedVersionless(), new SystemRequestDetails());
            } catch (RuntimeException unknown) { // not found, gone, or not an id at all: a name nobody has
                org = null;
            }
        } else {
            org = orgs.search(SearchParameterMap.newSynchronous("identifier",
                            new TokenParam(IdentitySystems.ORGANIZATION, given)), new SystemRequestDetails())
                    .getAllResources().stream().map(Organization.class::cast).findFirst().orElse(null);
        }
        if (org == null) {
            return given.startsWith("Organization/") ? new Recipient(kind, given, given) : new Recipient(kind, given, null);
        }
        String code = org.getIdentifier().stream().filter(i -> IdentitySystems.ORGANIZATION.equals(i.getSystem())
                && i.hasValue()).map(Identifier::getValue).findFirst().orElse(given);
        return new Recipient(kind, code, "Organization/" + org.getIdElement().getIdPart());
    }
}
