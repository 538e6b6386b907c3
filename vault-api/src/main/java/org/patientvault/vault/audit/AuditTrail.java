package org.patientvault.vault.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.consent.ConsentAuditRecord;
import org.patientvault.consent.ConsentAuditSink;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.vault.caller.ResourceOwners;
import org.patientvault.vault.caller.VaultPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The audit trail of FHIR requests, shaped after IHE BALP: per request one {@code AuditEvent} on the caller's side
 * (who: the caller's Patient or Organization and the OAuth client; what: the interaction and the id or query asked for;
 * the outcome and the time), plus one per patient whose record was read or written, naming only that patient and the
 * kinds and counts of their records concerned, so no patient's audit trail reveals another patient or the query. Consent decisions get their own AuditEvent per patient, so a patient
 * sees every decision taken about their data. Audit records are written by the vault itself; no caller may write or
 * delete them (see the authorization rules).
 */
@Component
@Interceptor
public class AuditTrail implements ConsentAuditSink {

    static final String TOUCHED = AuditTrail.class.getName() + ".touched";
    private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
    private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    private static final String INTERACTION = "http://hl7.org/fhir/restful-interaction";

    private final DaoRegistry daos;
    private final ResourceOwners owners;

    AuditTrail(DaoRegistry daos, ResourceOwners owners) {
        this.daos = daos;
        this.owners = owners;
    }

    /**
     * Collects, per patient, what of their record leaves in the response (searches, reads, $everything, transactions):
     * the resource types and how many of each.
     */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public void outgoing(RequestDetails request, IBaseResource response) {
        if (response == null || request instanceof SystemRequestDetails) {
            return;
        }
        Map<String, Map<String, Integer>> touched = touched(request);
        if (response instanceof Bundle bundle) {
            for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
                if (e.hasResource()) {
                    count(touched, e.getResource());
                }
            }
        } else {
            count(touched, response);
        }
    }

    private void count(Map<String, Map<String, Integer>> touched, IBaseResource resource) {
        for (String patient : owners.patientsOf(resource)) {
            touched.computeIfAbsent(patient, k -> new TreeMap<>()).merge(resource.fhirType(), 1, Integer::sum);
        }
    }

    @Hook(Pointcut.SERVER_PROCESSING_COMPLETED_NORMALLY)
    public void completed(ServletRequestDetails request) {
        write(request, AuditEvent.AuditEventOutcome._0, null);
    }

    @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
    public boolean failed(RequestDetails request, BaseServerResponseException exception) {
        write(request, exception.getStatusCode() >= 500 ? AuditEvent.AuditEventOutcome._8
                : AuditEvent.AuditEventOutcome._4, exception.getStatusCode() + "");
        return true;
    }

    @Override
    public void record(List<ConsentAuditRecord> decisions, boolean operationSucceeded) {
        Set<String> patients = new TreeSet<>();
        for (ConsentAuditRecord d : decisions) {
            if (d.patientId() != null) {
                patients.add(d.patientId());
            }
        }
        for (String patient : patients) {
            AuditEvent ev = base(AuditEvent.AuditEventAction.E, AuditEvent.AuditEventOutcome._0);
            ev.setType(new Coding("http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "access",
                    "Access/View Record Lifecycle Event"));
            ev.addSubtype(new Coding("https://patientvault.org/fhir/CodeSystem/audit-subtype", "consent-decision",
                    "Consent decision"));
            ev.addEntity().setWhat(new Reference("Patient/" + patient))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                    .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
            for (ConsentAuditRecord d : decisions) {
                if (!patient.equals(d.patientId())) {
                    continue;
                }
                if (ev.getAgent().isEmpty()) {
                    ev.addAgent().setRequestor(true).setWho(new Reference().setDisplay(
                            d.requester() == null ? "unknown requester" : d.requester().describe()));
                }
                AuditEvent.AuditEventEntityComponent entity = ev.addEntity();
                if (d.resourceId() != null) {
                    entity.setWhat(new Reference(d.resourceId()));
                }
                entity.setDescription(d.effect() + " " + d.code() + ": " + d.reason()
                        + (d.consentId() == null ? "" : " (" + d.consentId() + " " + d.provisionPath() + ")"));
            }
            save(ev);
        }
    }

    /**
     * The request's record: one AuditEvent on the caller's side (who, the interaction, the id or query asked for;
     * in no other patient's compartment), and one per other patient whose record was touched, naming only that
     * patient and what of theirs was read or written (types and counts), never the query or other patients.
     */
    private void write(RequestDetails request, AuditEvent.AuditEventOutcome outcome, String status) {
        if (request instanceof SystemRequestDetails || request.getRestOperationType() == null
                || request.getRestOperationType() == RestOperationTypeEnum.METADATA) {
            return;
        }
        VaultPrincipal caller = VaultPrincipal.current().orElse(null);
        String asked = request.getId() != null && request.getId().hasIdPart()
                ? request.getResourceName() + "/" + request.getId().getIdPart() : null;
        String url = request.getCompleteUrl();
        String query = url != null && url.contains("?") ? url.substring(url.indexOf('?') + 1) : null;
        Map<String, Map<String, Integer>> touched = touched(request);
        AuditBatch batch = AuditBatch.current().orElse(null);
        if (batch != null && caller != null && batch.add(caller, new AuditBatch.Part(
                request.getRestOperationType().getCode(), request.getRestOperationType().name(),
                action(request.getRestOperationType()), outcome, status, asked, query, request.getRequestPath()),
                touched)) {
            // One in-process request of an edge request audited as one: written by flush(batch).
            return;
        }
        AuditEvent ev = event(request, caller, outcome, status);
        addAsked(ev, asked, query, request.getRequestPath());
        String self = caller == null ? null : caller.patientId();
        if (self != null) {
            patientEntity(ev, self, touched.get(self));
        }
        save(ev);
        for (Map.Entry<String, Map<String, Integer>> patient : touched.entrySet()) {
            if (patient.getKey().equals(self)) {
                continue;
            }
            AuditEvent theirs = event(request, caller, outcome, status);
            patientEntity(theirs, patient.getKey(), patient.getValue());
            save(theirs);
        }
    }

    /**
     * Writes what a batch collected (see {@link AuditBatch}): one AuditEvent on the caller's side naming every
     * interaction, id and query of its requests, the worst outcome and the caller's own records concerned, and one per
     * other patient concerned; nothing when no request was made. Like {@link #save}, never fails the caller.
     */
    public void flush(AuditBatch batch) {
        AuditBatch.Snapshot s = batch.drain();
        if (s.parts().isEmpty()) {
            return;
        }
        AuditEvent.AuditEventOutcome worst = AuditEvent.AuditEventOutcome._0;
        java.util.Set<String> statuses = new TreeSet<>();
        java.util.Set<AuditEvent.AuditEventAction> actions = java.util.EnumSet.noneOf(
                AuditEvent.AuditEventAction.class);
        Map<String, String> interactions = new TreeMap<>();
        for (AuditBatch.Part p : s.parts()) {
            if (severity(p.outcome()) > severity(worst)) {
                worst = p.outcome();
            }
            if (p.status() != null) {
                statuses.add(p.status());
            }
            actions.add(p.action());
            interactions.put(p.interaction(), p.interactionName());
        }
        AuditEvent.AuditEventAction action = actions.size() == 1 ? actions.iterator().next()
                : AuditEvent.AuditEventAction.E;
        String status = statuses.isEmpty() ? null : String.join(", HTTP ", statuses);
        AuditEvent ev = event(action, interactions, s.caller(), worst, status);
        ev.addEntity().setDescription(batch.edgeRequest() + ": " + s.parts().size() + " FHIR requests audited as one")
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "20", "Job"));
        for (AuditBatch.Part p : s.parts()) {
            addAsked(ev, p.asked(), p.query(), p.path());
        }
        String self = s.caller() == null ? null : s.caller().patientId();
        if (self != null) {
            patientEntity(ev, self, s.touched().get(self));
        }
        save(ev);
        for (Map.Entry<String, Map<String, Integer>> patient : s.touched().entrySet()) {
            if (patient.getKey().equals(self)) {
                continue;
            }
            AuditEvent theirs = event(action, interactions, s.caller(), worst, status);
            patientEntity(theirs, patient.getKey(), patient.getValue());
            save(theirs);
        }
    }

    private static int severity(AuditEvent.AuditEventOutcome o) {
        return o == AuditEvent.AuditEventOutcome._0 ? 0 : o == AuditEvent.AuditEventOutcome._4 ? 4
                : o == AuditEvent.AuditEventOutcome._8 ? 8 : 12;
    }

    /** The id asked for (by identifier) and the query, as entities of the caller's event. */
    private static void addAsked(AuditEvent ev, String asked, String query, String path) {
        if (asked != null) {
            // By identifier, not a literal reference: the id asked for may not exist, and the audit must still be
            // written (a literal reference to a missing resource would fail referential integrity).
            ev.addEntity().setWhat(new Reference().setIdentifier(new Identifier()
                            .setSystem("https://patientvault.org/fhir/sid/resource").setValue(asked)).setDisplay(asked))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2",
                            "System Object"));
        }
        if (query != null) {
            ev.addEntity().setQuery(query.getBytes(StandardCharsets.UTF_8))
                    .setDescription(path)
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2",
                            "System Object"))
                    .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"));
        }
    }

    /** Who asked for what kind of interaction, with what outcome; no patient and nothing asked for yet. */
    private static AuditEvent event(RequestDetails request, VaultPrincipal caller, AuditEvent.AuditEventOutcome outcome,
                                    String status) {
        return event(action(request.getRestOperationType()), Map.of(request.getRestOperationType().getCode(),
                request.getRestOperationType().name()), caller, outcome, status);
    }

    /** As above, for one or more interactions (code to name) of one caller. */
    private static AuditEvent event(AuditEvent.AuditEventAction action, Map<String, String> interactions,
                                    VaultPrincipal caller, AuditEvent.AuditEventOutcome outcome, String status) {
        AuditEvent ev = base(action, outcome);
        ev.setType(new Coding(DCM, "110110", "Patient Record"));
        interactions.forEach((code, name) -> ev.addSubtype(new Coding(INTERACTION, code, name)));
        if (status != null) {
            ev.setOutcomeDesc("HTTP " + status);
        }
        if (caller != null) {
            AuditEvent.AuditEventAgentComponent who = ev.addAgent().setRequestor(true);
            who.setType(new org.hl7.fhir.r4.model.CodeableConcept(new Coding(
                    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient")));
            switch (caller.kind()) {
                case PATIENT -> who.setWho(new Reference(caller.patientReference()));
                case HOSPITAL, AI_FIRM -> who.setWho(new Reference(caller.organizationReference())
                        .setIdentifier(new Identifier().setSystem(IdentitySystems.ORGANIZATION)
                                .setValue(caller.orgCode())));
                case ADMIN -> who.setWho(new Reference().setDisplay("admin " + caller.subject()));
            }
            who.setAltId(caller.subject());
            ev.addAgent().setRequestor(false).setWho(new Reference().setDisplay("client " + caller.clientId()))
                    .setType(new org.hl7.fhir.r4.model.CodeableConcept(new Coding(DCM, "110150", "Application")));
        }
        return ev;
    }

    /**
     * The patient the event is about, and what of their record it concerned (e.g. "Observation×3", with one
     * detail per type and count): how every per-patient event of the vault names its patient.
     */
    public static void patientEntity(AuditEvent ev, String patient, Map<String, Integer> types) {
        AuditEvent.AuditEventEntityComponent entity = ev.addEntity().setWhat(new Reference("Patient/" + patient))
                .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
        if (types != null && !types.isEmpty()) {
            StringBuilder what = new StringBuilder();
            types.forEach((type, n) -> what.append(what.isEmpty() ? "" : ", ").append(type).append('×').append(n));
            entity.setDescription(what.toString());
            types.forEach((type, n) -> entity.addDetail().setType(type).setValue(new org.hl7.fhir.r4.model.StringType(
                    Integer.toString(n))));
        }
    }

    /** A new AuditEvent recorded now by the vault (the source every event of the vault names). */
    public static AuditEvent base(AuditEvent.AuditEventAction action, AuditEvent.AuditEventOutcome outcome) {
        AuditEvent ev = new AuditEvent();
        ev.setAction(action);
        ev.setRecorded(new Date());
        ev.setOutcome(outcome);
        ev.getSource().setObserver(new Reference().setDisplay("Patient Vault"))
                .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4",
                        "Application Server"));
        return ev;
    }

    /** Stores an event as the system; a failure is logged loudly and never fails the caller. */
    public void save(AuditEvent ev) {
        try {
            daos.getResourceDao(AuditEvent.class).create(ev, new SystemRequestDetails());
        } catch (RuntimeException e) {
            // The response has been sent; losing an audit record must be loud, but must not fail the caller twice.
            LOG.error("Could not write an AuditEvent: {}", e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Integer>> touched(RequestDetails request) {
        return (Map<String, Map<String, Integer>>) request.getUserData()
                .computeIfAbsent(TOUCHED, k -> new TreeMap<String, Map<String, Integer>>());
    }

    private static AuditEvent.AuditEventAction action(RestOperationTypeEnum op) {
        return switch (op) {
            case CREATE -> AuditEvent.AuditEventAction.C;
            case UPDATE, PATCH, META_ADD, META_DELETE -> AuditEvent.AuditEventAction.U;
            case DELETE -> AuditEvent.AuditEventAction.D;
            case READ, VREAD, SEARCH_TYPE, SEARCH_SYSTEM, HISTORY_INSTANCE, HISTORY_TYPE, HISTORY_SYSTEM,
                    GET_PAGE -> AuditEvent.AuditEventAction.R;
            default -> AuditEvent.AuditEventAction.E;
        };
    }
}
