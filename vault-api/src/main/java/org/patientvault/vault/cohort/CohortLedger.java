package org.patientvault.vault.cohort;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
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
 * Cost: one AuditEvent insert per patient; a release's events are stored {@value #BATCH} to a database transaction
 * (one system transaction Bundle), not one transaction each.
 */
@Component
class CohortLedger {

    static final String SUBTYPE = "https://patientvault.org/fhir/CodeSystem/audit-subtype";

    /** Events per transaction: large enough to save most commits, small enough to keep one transaction short. */
    static final int BATCH = 100;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CohortLedger.class);

    private final AuditTrail trail;
    private final DaoRegistry daos;

    CohortLedger(AuditTrail trail, DaoRegistry daos) {
        this.trail = trail;
        this.daos = daos;
    }

    /**
     * Stores the release events of these patients (at most {@link #BATCH} per call is cheapest: one transaction).
     * As {@link AuditTrail#save}, it never fails the build: if the transaction fails, each event is saved on its own,
     * and a failure of that is logged loudly.
     */
    void released(CohortBuilder.Job job, Map<String, Map<String, Integer>> countsByPatient) {
        List<AuditEvent> events = countsByPatient.entrySet().stream().map(e -> event(job, e.getKey(),
                "cohort-release", "released de-identified to an AI firm", e.getValue())).toList();
        for (int from = 0; from < events.size(); from += BATCH) {
            List<AuditEvent> part = events.subList(from, Math.min(events.size(), from + BATCH));
            Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            part.forEach(ev -> tx.addEntry().setResource(ev).getRequest().setMethod(Bundle.HTTPVerb.POST)
                    .setUrl("AuditEvent"));
            try {
                daos.getSystemDao().transaction(new SystemRequestDetails(), tx);
            } catch (RuntimeException e) {
                LOG.warn("Storing {} cohort ledger events in one transaction failed ({}); storing them one by one",
                        part.size(), e.getClass().getSimpleName());
                part.forEach(trail::save);
            }
        }
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
