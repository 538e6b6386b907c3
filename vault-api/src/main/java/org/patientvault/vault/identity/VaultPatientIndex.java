package org.patientvault.vault.identity;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.linking.PatientEvidence;
import org.patientvault.mapping.linking.PatientIdentityMerger;
import org.patientvault.mapping.linking.PatientIndex;

/**
 * {@link PatientIndex} over the JPA store, read as the system. A <em>vault</em> Patient is one that a person owns:
 * it carries a linked account ({@code sid/account}) or a resident ID, and has not been claimed into another Patient
 * ({@code active = false}). Unclaimed clinic records (no resident ID, no account) are never vault Patients.
 *
 * <p>Cost: one indexed search per lookup; the candidate search is by birth date or phone (two indexed searches),
 * then every name and phone the Patient and its hospital views hold are compared here ({@link PatientEvidence}).
 */
final class VaultPatientIndex implements PatientIndex {

    private final DaoRegistry daos;

    VaultPatientIndex(DaoRegistry daos) {
        this.daos = daos;
    }

    @Override
    public Optional<Entry> findByResidentId(ResidentId residentId) {
        return byIdentifier(IdentitySystems.RESIDENT_ID, residentId.value());
    }

    @Override
    public Optional<Entry> findByMrn(String system, String value) {
        return byIdentifier(system, value);
    }

    /**
     * Vault Patients whose evidence ({@link PatientEvidence}: their own and every linked hospital's names, phones and
     * birth dates) holds this name, birth date and phone, names compared across scripts ({@code NameKeys}). The
     * search is by birth date or by phone (two indexed queries), so a patient whose matching phone only one hospital
     * recorded is still found; the evidence is then compared here.
     */
    @Override
    public List<Entry> findCandidates(String name, LocalDate birthDate, String phone) {
        List<Entry> out = new ArrayList<>();
        for (Patient p : byBirthDateOrPhone(List.of(birthDate), List.of(phone))) {
            if (isVaultPatient(p) && PatientEvidence.of(p).matches(name, birthDate, phone)) {
                out.add(entry(p));
            }
        }
        return out;
    }

    /** Patients (any kind) born on one of {@code birthDates} or with one of {@code phones}; each Patient once. */
    List<Patient> byBirthDateOrPhone(java.util.Collection<LocalDate> birthDates, java.util.Collection<String> phones) {
        java.util.Map<String, Patient> out = new java.util.LinkedHashMap<>();
        for (LocalDate d : birthDates) {
            if (d != null) {
                search(SearchParameterMap.newSynchronous("birthdate", new DateParam(d.toString())))
                        .forEach(p -> out.putIfAbsent(p.getIdElement().getIdPart(), p));
            }
        }
        for (String ph : phones) {
            if (ph != null && !ph.isBlank()) {
                search(SearchParameterMap.newSynchronous("phone", new TokenParam(ph.strip())))
                        .forEach(p -> out.putIfAbsent(p.getIdElement().getIdPart(), p));
            }
        }
        return new ArrayList<>(out.values());
    }

    private Optional<Entry> byIdentifier(String system, String value) {
        return search(SearchParameterMap.newSynchronous("identifier", new TokenParam(system, value))).stream()
                .filter(VaultPatientIndex::isVaultPatient).findFirst().map(VaultPatientIndex::entry);
    }

    private List<Patient> search(SearchParameterMap map) {
        List<Patient> out = new ArrayList<>();
        for (IBaseResource r : daos.getResourceDao("Patient").search(map, new SystemRequestDetails())
                .getAllResources()) {
            out.add((Patient) r);
        }
        return out;
    }

    static boolean isVaultPatient(Patient p) {
        boolean claimedAway = p.hasActive() && !p.getActive();
        return !claimedAway && (hasAccount(p) || PatientIdentityMerger.residentIdOf(p) != null);
    }

    static boolean hasAccount(Patient p) {
        return p.getIdentifier().stream().anyMatch(i -> AccountLinker.ACCOUNT_SYSTEM.equals(i.getSystem()));
    }

    private static Entry entry(Patient p) {
        return new Entry(p.getIdElement().getIdPart(), PatientIdentityMerger.residentIdOf(p));
    }

    /** The first name as written: its text, else family + given (CJK) or given + family. */
    static String nameOf(Patient p) {
        for (HumanName n : p.getName()) {
            if (n.hasText() && !n.getText().isBlank()) {
                return n.getText();
            }
            StringBuilder given = new StringBuilder();
            for (StringType g : n.getGiven()) {
                given.append(g.getValue() == null ? "" : g.getValue());
            }
            String family = n.hasFamily() ? n.getFamily() : "";
            if (!family.isBlank() || given.length() > 0) {
                // As fhir-mapping writes names: Chinese family name first, Western given name first.
                boolean han = (family + given).codePoints()
                        .anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN);
                return han ? family + given : (given + " " + family).strip();
            }
        }
        return null;
    }
}
