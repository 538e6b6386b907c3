package org.patientvault.consent;

import java.util.Set;

/**
 * Who a resource belongs to.
 *
 * @param patientIds      id parts of the Patient(s) whose compartment holds it; empty for non-patient resources
 *                        (Organization, CodeSystem, ...)
 * @param submittingOrgId the client id of the organisation that submitted it, or null
 */
public record ResourceOwner(Set<String> patientIds, String submittingOrgId) {
    public ResourceOwner {
        patientIds = patientIds == null ? Set.of() : Set.copyOf(patientIds);
    }

    public static ResourceOwner none() {
        return new ResourceOwner(Set.of(), null);
    }

    public static ResourceOwner patient(String patientId, String submittingOrgId) {
        return new ResourceOwner(Set.of(patientId), submittingOrgId);
    }
}
