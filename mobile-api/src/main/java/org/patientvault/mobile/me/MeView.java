package org.patientvault.mobile.me;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.patientvault.mobile.support.Hospitals.Org;

/**
 * The {@code /me} screen.
 *
 * @param patientId       the patient's vault record id
 * @param profile         the patient's own demographics, completed from what hospitals recorded
 * @param hospitals       every hospital that sent records, with the MRNs it gave the patient
 * @param claimCandidates records a hospital sent that may be the patient's (never linked automatically)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeView(String patientId, Profile profile, List<LinkedHospital> hospitals, List<ClaimCandidate> claimCandidates) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Profile(String name, String gender, String birthDate, List<String> phones) {
    }

    public record LinkedHospital(Org hospital, List<String> mrns) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClaimCandidate(String id, Org hospital, String name, String birthDate, int records, List<String> evidence) {
    }
}
