package org.patientvault.vault.identity;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeResourceDefinition;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.linking.LinkDecision;
import org.patientvault.mapping.linking.LinkEvidence;
import org.patientvault.mapping.linking.LinkProvenance;
import org.patientvault.mapping.linking.LinkSource;
import org.patientvault.mapping.linking.PatientEvidence;
import org.patientvault.mapping.linking.PatientIdentityMerge;
import org.patientvault.mapping.linking.PatientIdentityMerger;
import org.patientvault.mapping.linking.PatientLinker;
import org.patientvault.vault.caller.SubmitterTag;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Claim candidates: records a clinic sent with weak evidence only (name + birth date + phone, no resident ID, no
 * known MRN) that match a vault Patient. The patient confirms ({@link #claim}) or rejects ({@link #reject}) each;
 * nothing is ever linked without that confirmation.
 *
 * <p><b>Approach: the clinical records move.</b> A claim rewrites every reference to the candidate Patient in its
 * compartment (Observations, DiagnosticReports, ...) to the vault Patient, so the records enter the patient's one
 * compartment. We chose moving over {@code Patient.link}: the access rules, search narrowing and consent then stay
 * "one patient = one compartment", with no linked-patient widening that every guard would have to follow (the BOLA
 * guarantees stay as simple as they are). The candidate Patient itself stays (history is kept), marked
 * {@code active = false} with {@code link} {@code replaced-by} the vault Patient, and its MRNs move to the vault
 * Patient so the clinic's next submission links there by MRN. Provenance and AuditEvent are not rewritten: they are
 * history. A Provenance built with {@link LinkProvenance} records the decision, its evidence and the patient as
 * verifier. A rejection is a Provenance too, and hides the candidate from that patient for good.
 *
 * <p>Which records are candidates is decided by {@link PatientLinker} itself, with {@link VaultPatientIndex} as the
 * system: an unclaimed Patient whose linker decision is {@code CLAIM_CANDIDATE} naming this vault Patient.
 *
 * <p>Cost: candidates — one search per birth date and phone the patient's evidence holds, plus a few indexed lookups
 * per lookalike; a claim — one
 * search per resource type that has a Patient compartment (about 100 indexed queries) and one update per moved
 * record, in one database transaction.
 */
@Service
public class ClaimService {

    static final String REJECTED_CODE = "claim-rejected";
    static final String CLAIMED_CODE = "claim-confirmed";
    /** Not rewritten by a claim: they record what happened and to whom. */
    private static final Set<String> HISTORY_TYPES = Set.of("Provenance", "AuditEvent", "Patient");

    /** One candidate: the unclaimed Patient, who sent it, and the linker's evidence. */
    public record Candidate(String patientId, String organization, String name, LocalDate birthDate, int records,
                            LinkEvidence evidence) {
    }

    private final FhirContext ctx;
    private final DaoRegistry daos;
    private final VaultPatientIndex index;
    private final PatientLinker linker;
    private final TransactionTemplate tx;
    private final Clock clock = Clock.systemUTC();

    ClaimService(FhirContext ctx, DaoRegistry daos, PlatformTransactionManager transactions) {
        this.ctx = ctx;
        this.daos = daos;
        this.index = new VaultPatientIndex(daos);
        this.linker = new PatientLinker(index);
        this.tx = new TransactionTemplate(transactions);
    }

    /** The unclaimed records that weakly match vault Patient {@code patientId} and that it has not rejected. */
    public List<Candidate> candidates(String patientId) {
        Patient self = read(patientId);
        // Every name, phone and birth date the patient and each linked hospital recorded (issue 14 item 3).
        PatientEvidence evidence = PatientEvidence.of(self);
        if (evidence.nameKeys().isEmpty() || evidence.phoneKeys().isEmpty() || evidence.birthDates().isEmpty()) {
            return List.of();
        }
        List<String> phones = new ArrayList<>(evidence.phoneKeys());
        self.getTelecom().forEach(t -> phones.add(t.getValue()));
        List<Candidate> out = new ArrayList<>();
        for (Patient other : index.byBirthDateOrPhone(evidence.birthDates(), phones)) {
            String otherId = other.getIdElement().getIdPart();
            if (otherId.equals(patientId) || VaultPatientIndex.isVaultPatient(other)
                    || (other.hasActive() && !other.getActive()) || rejectedBy(patientId, otherId)) {
                continue;
            }
            String org = SubmitterTag.of(other).orElse(null);
            LinkDecision decision = linker.decide(other, sourceOf(other, org));
            if (decision instanceof LinkDecision.ClaimCandidate c && c.candidatePatientIds().contains(patientId)) {
                out.add(new Candidate(otherId, org, VaultPatientIndex.nameOf(other),
                        birthDay(other),
                        compartment(otherId).size(), c.evidence()));
            }
        }
        return out;
    }

    /**
     * Moves candidate {@code candidateId}'s records into {@code patientId}'s compartment and records the decision.
     *
     * @return the Provenance id and the number of records moved
     * @throws ResourceNotFoundException if the candidate is not (or no longer) a candidate of this patient
     */
    public Map<String, Object> claim(String patientId, String candidateId) {
        Candidate c = candidateOrNotFound(patientId, candidateId);
        return tx.execute(status -> {
            Patient candidate = read(candidateId);
            List<Resource> records = compartment(candidateId);
            String from = "Patient/" + candidateId;
            for (Resource r : records) {
                for (Reference ref : ctx.newTerser().getAllPopulatedChildElementsOfType(r, Reference.class)) {
                    if (ref.hasReference() && from.equals(ref.getReferenceElement().toUnqualifiedVersionless()
                            .getValue())) {
                        ref.setReference("Patient/" + patientId);
                    }
                }
                dao(r.fhirType()).update(r, new SystemRequestDetails());
            }
            Patient self = read(patientId);
            LinkSource source = sourceOf(candidate, c.organization());
            PatientIdentityMerge merged = PatientIdentityMerger.merge(self, candidate, source);
            daos.getResourceDao(Patient.class).update(merged.patient(), new SystemRequestDetails());
            candidate.getIdentifier().removeIf(i -> source.mrnSystem().equals(i.getSystem()));
            candidate.setActive(false);
            candidate.addLink().setType(Patient.LinkType.REPLACEDBY).setOther(new Reference("Patient/" + patientId));
            daos.getResourceDao(Patient.class).update(candidate, new SystemRequestDetails());

            Provenance p = LinkProvenance.of(new LinkDecision.LinkExisting(patientId, null, c.evidence()),
                    clock.instant(), new Reference("Patient/" + patientId), new Reference(from));
            verifiedBy(p, patientId, CLAIMED_CODE, "Confirmed by the patient");
            String provenanceId = daos.getResourceDao(Provenance.class).create(p, new SystemRequestDetails())
                    .getId().toUnqualifiedVersionless().getValue();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("provenance", provenanceId);
            result.put("moved", records.size());
            return result;
        });
    }

    /** Records that {@code patientId} says the candidate is not theirs; it is not offered to them again. */
    public String reject(String patientId, String candidateId) {
        Candidate c = candidateOrNotFound(patientId, candidateId);
        Provenance p = LinkProvenance.of(new LinkDecision.ClaimCandidate(List.of(patientId), c.evidence()),
                clock.instant(), new Reference("Patient/" + patientId), new Reference("Patient/" + candidateId));
        verifiedBy(p, patientId, REJECTED_CODE, "Rejected by the patient");
        return daos.getResourceDao(Provenance.class).create(p, new SystemRequestDetails()).getId()
                .toUnqualifiedVersionless().getValue();
    }

    private Candidate candidateOrNotFound(String patientId, String candidateId) {
        return candidates(patientId).stream().filter(c -> c.patientId().equals(candidateId)).findFirst()
                .orElseThrow(() -> new ResourceNotFoundException("Patient/" + candidateId
                        + " is not a claim candidate of yours"));
    }

    /** The patient as verifier, and the patient's decision as a second activity coding. */
    private static void verifiedBy(Provenance p, String patientId, String code, String display) {
        p.getActivity().addCoding(new Coding(IdentitySystems.LINK_DECISION_CODE_SYSTEM, code, display));
        p.addAgent().setType(new CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "verifier", "Verifier")))
                .setWho(new Reference("Patient/" + patientId));
    }

    private boolean rejectedBy(String patientId, String candidateId) {
        SearchParameterMap map = SearchParameterMap.newSynchronous()
                .add("target", new ReferenceParam("Patient/" + candidateId));
        for (IBaseResource r : daos.getResourceDao(Provenance.class).search(map, new SystemRequestDetails())
                .getAllResources()) {
            Provenance p = (Provenance) r;
            boolean rejected = p.getActivity().getCoding().stream()
                    .anyMatch(c -> REJECTED_CODE.equals(c.getCode()));
            boolean byThisPatient = p.getTarget().stream().anyMatch(t -> ("Patient/" + patientId)
                    .equals(t.getReferenceElement().toUnqualifiedVersionless().getValue()));
            if (rejected && byThisPatient) {
                return true;
            }
        }
        return false;
    }

    /** Every record (except history and Patients) that refers to the Patient through a compartment parameter. */
    private List<Resource> compartment(String patientId) {
        Map<String, Resource> found = new LinkedHashMap<>();
        for (String type : daos.getRegisteredDaoTypes()) {
            if (HISTORY_TYPES.contains(type)) {
                continue;
            }
            RuntimeResourceDefinition def = ctx.getResourceDefinition(type);
            for (RuntimeSearchParam sp : def.getSearchParamsForCompartmentName("Patient")) {
                SearchParameterMap map = SearchParameterMap.newSynchronous()
                        .add(sp.getName(), new ReferenceParam("Patient/" + patientId));
                for (IBaseResource r : dao(type).search(map, new SystemRequestDetails()).getAllResources()) {
                    found.putIfAbsent(r.getIdElement().toUnqualifiedVersionless().getValue(), (Resource) r);
                }
            }
        }
        return new ArrayList<>(found.values());
    }

    /** The birth date when given to the day; a year or month alone cannot support a match. */
    private static LocalDate birthDay(Patient p) {
        if (!p.hasBirthDateElement()
                || p.getBirthDateElement().getPrecision() != ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY) {
            return null;
        }
        return LocalDate.parse(p.getBirthDateElement().getValueAsString());
    }

    private Patient read(String patientId) {
        return daos.getResourceDao(Patient.class).read(new org.hl7.fhir.r4.model.IdType("Patient", patientId),
                new SystemRequestDetails());
    }

    @SuppressWarnings("unchecked")
    private IFhirResourceDao<IBaseResource> dao(String type) {
        return (IFhirResourceDao<IBaseResource>) daos.getResourceDao(type);
    }

    /**
     * The identity view of the organization that sent a record: its MRN system is that of the identifiers it assigned
     * (stored records carry them normalised, see {@link PatientLinking}), else the one the CSV intake uses.
     */
    private static LinkSource sourceOf(Patient record, String orgCode) {
        return LinkSource.forSubmission(record, orgCode == null ? "unknown" : orgCode, null);
    }
}
