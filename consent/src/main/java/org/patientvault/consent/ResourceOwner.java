package org.patientvault.consent;

import java.util.Set;

/**
 * Who a resource belongs to.
 *
 * @param patientIds      id parts of the Patient(s) whose compartment holds it; empty for non-patient resources
 *                        (Organization, CodeSystem, ...)
 * @param submittingOrgId the client id of the organisation that submitted it, or null
 * @param publicDirectory true for directory and conformance records (organisations, practitioners, locations, code
 *                        systems, ...) that every authenticated caller may read; a record with no patient owner that
 *                        is not in the directory is visible to its submitter only (closed world)
 */
public record ResourceOwner(Set<String> patientIds, String submittingOrgId, boolean publicDirectory) {
    public ResourceOwner {
        patientIds = patientIds == null ? Set.of() : Set.copyOf(patientIds);
    }

    public ResourceOwner(Set<String> patientIds, String submittingOrgId) {
        this(patientIds, submittingOrgId, false);
    }

    /** A directory record: no patient owner, readable by every authenticated caller. */
    public static ResourceOwner directory() {
        return new ResourceOwner(Set.of(), null, true);
    }

    /** A record with no patient owner outside the directory: its submitter's only (null: nobody's). */
    public static ResourceOwner submitterOnly(String submittingOrgId) {
        return new ResourceOwner(Set.of(), submittingOrgId, false);
    }

    public static ResourceOwner patient(String patientId, String submittingOrgId) {
        return new ResourceOwner(Set.of(patientId), submittingOrgId);
    }
}
