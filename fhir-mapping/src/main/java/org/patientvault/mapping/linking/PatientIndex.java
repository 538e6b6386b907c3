package org.patientvault.mapping.linking;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.patientvault.mapping.ResidentId;

/**
 * Read-only lookups over the vault's Patients, implemented by the application (e.g. over HAPI JPA
 * searches on {@code Patient.identifier}, {@code name}, {@code birthdate}, {@code phone}).
 * {@link PatientLinker} calls at most one resident-ID lookup, one lookup per submitted MRN and one
 * candidate search per decision. Implementations must search vault (linked) Patients only, not
 * hospital views or unclaimed records.
 */
public interface PatientIndex {

    /** A vault Patient as the index knows it. {@code residentId} is null when the patient has none yet. */
    record Entry(String patientId, ResidentId residentId) {
        public Entry {
            if (patientId == null || patientId.isBlank()) {
                throw new IllegalArgumentException("PatientIndex.Entry.patientId must not be blank");
            }
        }
    }

    /** The vault Patient carrying this resident ID, if any. */
    Optional<Entry> findByResidentId(ResidentId residentId);

    /** The vault Patient carrying identifier {@code system|value}, if any. */
    Optional<Entry> findByMrn(String system, String value);

    /**
     * Vault Patients whose name, birth date and phone all match (normalised as the implementation
     * sees fit, e.g. whitespace-insensitive name, digits-only phone). Used only to raise claim
     * candidates, never to link.
     */
    List<Entry> findCandidates(String name, LocalDate birthDate, String phone);
}
