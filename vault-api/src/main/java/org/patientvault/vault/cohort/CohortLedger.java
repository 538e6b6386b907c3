package org.patientvault.vault.cohort;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.consent.ConsentCodes;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.vault.audit.AuditTrail;
import org.springframework.stereotype.Component;

/**
 * The patients' side of a release: one AuditEvent per patient included ({@code cohort-release}) or withdrawn
 * ({@code cohort-withdrawal}), in that patient's compartment only, naming the firm, the request and release, what
 * (types and counts) and why (the purpose). The mobile usage ledger shows them; the firm never reads AuditEvents.
 * Cost: one AuditEvent insert per patient.
 */
@Component
class CohortLedger {

    static final String SUBTYPE = "https://patientvault.org/fhir/CodeSystem/audit-subtype";

    private final AuditTrail trail;

    CohortLedger(AuditTrail trail) {
        this.trail = trail;
    }

    void released(CohortBuilder.Job job, Map<String, Map<String, Integer>> countsByPatient) {
        countsByPatient.forEach((patient, counts) -> trail.save(event(job, patient, "cohort-release",
                "released de-identified to an AI firm", counts)));
    }

    void withdrawn(CohortBuilder.Job job, List<CohortStore.Withdrawal> withdrawals) {
        withdrawals.stream().map(CohortStore.Withdrawal::patientId).distinct().forEach(patient ->
                trail.save(event(job, patient, "cohort-withdrawal", "withdrawn from the AI firm's cohort", Map.of())));
    }

    private static AuditEvent event(CohortBuilder.Job job, String patient, String subtype, String display,
                                    Map<String, Integer> counts) {
        AuditEvent ev = AuditTrail.base(AuditEvent.AuditEventAction.E, AuditEvent.AuditEventOutcome._0);
        ev.setType(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110106", "Export"));
        ev.addSubtype(new Coding(SUBTYPE, subtype, display));
        ev.addPurposeOfEvent(new CodeableConcept(new Coding(ConsentCodes.PURPOSE_SYSTEM,
                ConsentCodes.PURPOSE_AI_TRAINING, "AI training")));
        String firm = job.request().firm();
        ev.addAgent().setRequestor(true).setWho(new Reference()
                .setReference(job.request().firmOrganization() == null ? null
                        : "Organization/" + job.request().firmOrganization())
                .setIdentifier(new Identifier().setSystem(IdentitySystems.ORGANIZATION).setValue(firm))
                .setDisplay("ai-firm " + firm));
        AuditTrail.patientEntity(ev, patient, counts);
        // The request and release: what the patient's ledger names as "why" beside the purpose.
        ev.addEntity().setWhat(new Reference().setDisplay("Group/" + job.request().id() + " release "
                        + job.release().number()))
                .setName(job.cohort().title())
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "20", "Job"));
        return ev;
    }
}
