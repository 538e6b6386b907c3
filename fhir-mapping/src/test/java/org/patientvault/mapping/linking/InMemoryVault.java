package org.patientvault.mapping.linking;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.linking.internal.PatientFacts;

/**
 * Test double of the app: an in-memory PatientIndex that applies decisions the way vault-api will
 * (merge on link, seed on create, park claim candidates until the patient confirms).
 */
final class InMemoryVault implements PatientIndex {

    record Parked(Patient submitted, LinkSource source, List<String> candidates) {
    }

    final Map<String, Patient> patients = new LinkedHashMap<>();
    final List<Parked> parked = new ArrayList<>();
    private int next = 1;

    /** Decides, applies and returns the decision. */
    LinkDecision submit(PatientLinker linker, Patient submitted, LinkSource source) {
        LinkDecision d = linker.decide(submitted, source);
        switch (d.kind()) {
            case LINK_EXISTING -> {
                String id = ((LinkDecision.LinkExisting) d).patientId();
                patients.put(id, PatientIdentityMerger.merge(patients.get(id), submitted, source).patient());
            }
            case CREATE_NEW -> patients.put("p" + next++, PatientIdentityMerger.newVaultPatient(submitted, source).patient());
            case CLAIM_CANDIDATE -> parked.add(new Parked(submitted, source, ((LinkDecision.ClaimCandidate) d).candidatePatientIds()));
            case REJECT -> { }
        }
        return d;
    }

    /** The patient confirms a parked record ($claim). */
    void claim(int parkedIndex, String patientId) {
        Parked p = parked.remove(parkedIndex);
        if (!p.candidates().contains(patientId)) {
            throw new IllegalArgumentException("not a candidate");
        }
        patients.put(patientId, PatientIdentityMerger.merge(patients.get(patientId), p.submitted(), p.source()).patient());
    }

    String lastId() {
        return "p" + (next - 1);
    }

    @Override
    public Optional<Entry> findByResidentId(ResidentId residentId) {
        return patients.entrySet().stream()
                .filter(e -> residentId.equals(PatientIdentityMerger.residentIdOf(e.getValue())))
                .map(e -> entry(e.getKey(), e.getValue())).findFirst();
    }

    @Override
    public Optional<Entry> findByMrn(String system, String value) {
        return patients.entrySet().stream()
                .filter(e -> e.getValue().getIdentifier().stream()
                        .anyMatch((Identifier i) -> system.equals(i.getSystem()) && value.equals(i.getValue())))
                .map(e -> entry(e.getKey(), e.getValue())).findFirst();
    }

    @Override
    public List<Entry> findCandidates(String name, LocalDate birthDate, String phone) {
        return patients.entrySet().stream()
                .filter(e -> name.equals(PatientFacts.name(e.getValue()))
                        && birthDate.equals(PatientFacts.birthDate(e.getValue()))
                        && phone.replaceAll("\\D", "").equals(
                                String.valueOf(PatientFacts.phone(e.getValue())).replaceAll("\\D", "")))
                .map(e -> entry(e.getKey(), e.getValue())).toList();
    }

    private static Entry entry(String id, Patient p) {
        return new Entry(id, PatientIdentityMerger.residentIdOf(p));
    }
}
