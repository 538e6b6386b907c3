package org.patientvault.vault.cohort;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.patientvault.consent.ConsentCodes;
import org.patientvault.mapping.IdentitySystems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Logger LOG = LoggerFactory.getLogger(CohortLedger.class);

    private final DaoRegistry daos;

    CohortLedger(DaoRegistry daos) {
        this.daos = daos;
    }

    void released(CohortBuilder.Job job, Map<String, Map<String, Integer>> countsByPatient) {
        countsByPatient.forEach((patient, counts) -> save(event(job, patient, "cohort-release",
                "released de-identified to an AI firm", counts)));
    }

    void withdrawn(CohortBuilder.Job job, List<CohortStore.Withdrawal> withdrawals) {
        withdrawals.stream().map(CohortStore.Withdrawal::patientId).distinct().forEach(patient ->
                save(event(job, patient, "cohort-withdrawal", "withdrawn from the AI firm's cohort", Map.of())));
    }

    private static AuditEvent event(CohortBuilder.Job job, String patient, String subtype, String display,
                                    Map<String, Integer> counts) {
        AuditEvent ev = new AuditEvent();
        ev.setAction(AuditEvent.AuditEventAction.E);
        ev.setRecorded(new Date());
        ev.setOutcome(AuditEvent.AuditEventOutcome._0);
        ev.setType(new Coding("http://dicom.nema.org/resources/ontology/DCM", "110106", "Export"));
        ev.addSubtype(new Coding(SUBTYPE, subtype, display));
        ev.addPurposeOfEvent(new CodeableConcept(new Coding(ConsentCodes.PURPOSE_SYSTEM,
                ConsentCodes.PURPOSE_AI_TRAINING, "AI training")));
        ev.getSource().setObserver(new Reference().setDisplay("Patient Vault"))
                .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4",
                        "Application Server"));
        String firm = job.request().firm();
        ev.addAgent().setRequestor(true).setWho(new Reference()
                .setReference(job.request().firmOrganization() == null ? null
                        : "Organization/" + job.request().firmOrganization())
                .setIdentifier(new Identifier().setSystem(IdentitySystems.ORGANIZATION).setValue(firm))
                .setDisplay("ai-firm " + firm));
        AuditEvent.AuditEventEntityComponent who = ev.addEntity().setWhat(new Reference("Patient/" + patient))
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
        counts.forEach((type, n) -> who.addDetail().setType(type).setValue(new StringType(Integer.toString(n))));
        // The request and release: what the patient's ledger names as "why" beside the purpose.
        ev.addEntity().setWhat(new Reference().setDisplay("Group/" + job.request().id() + " release "
                        + job.release().number()))
                .setName(job.cohort().title())
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "20", "Job"));
        return ev;
    }

    private void save(AuditEvent ev) {
        try {
            daos.getResourceDao(AuditEvent.class).create(ev, new SystemRequestDetails());
        } catch (RuntimeException e) {
            // The release stands; a missing ledger row is an operator's alarm, logged without clinical content.
            LOG.error("Could not write a cohort AuditEvent: {}", e.getMessage());
        }
    }
}
