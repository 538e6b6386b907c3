package org.patientvault.vault.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
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
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.patientvault.consent.AccessRequest;
import org.patientvault.consent.ConsentExplainer;
import org.patientvault.consent.ConsentModel;
import org.patientvault.consent.DataClass;
import org.patientvault.consent.Purpose;
import org.patientvault.consent.Recipient;
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
            throw new InvalidRequestException("recipient must name the organisation (its org id, e.g. hosp-beijing)");
        }
        String kind = recipientKind == null ? (p == Purpose.AI_TRAINING ? "ai-firm" : "hospital")
                : valueOf(recipientKind);
        Recipient who = switch (kind) {
            case "ai-firm" -> Recipient.aiFirm(recipientId);
            case "hospital" -> Recipient.hospital(recipientId);
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
}
