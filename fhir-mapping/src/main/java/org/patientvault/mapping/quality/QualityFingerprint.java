package org.patientvault.mapping.quality;

import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mapping.quality.internal.Fingerprints;

/**
 * Duplicate fingerprints: a hash of patient key + code + effective time + value (Observation), code + effective +
 * result count (DiagnosticReport), or study instance UID (ImagingStudy). Stable across releases (versioned "v1"
 * inside the hash). Holds no readable national ID or value, so the app may store it beside the patient.
 */
public final class QualityFingerprint {
    private QualityFingerprint() {
    }

    /**
     * Fingerprint of a resource for a patient key (use the vault Patient id, as passed to
     * {@link QualityContext.Builder#patientKey}, prefixed exactly as the scorer does: {@code "vault:" + id}).
     */
    public static Optional<String> of(Resource resource, String vaultPatientId) {
        if (resource == null || vaultPatientId == null || vaultPatientId.isBlank()) {
            throw new QualityInputException("fingerprint needs a resource and a vault patient id");
        }
        return Fingerprints.of(resource, "vault:" + vaultPatientId);
    }
}
