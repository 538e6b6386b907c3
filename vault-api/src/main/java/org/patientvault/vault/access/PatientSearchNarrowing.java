package org.patientvault.vault.access;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import org.patientvault.vault.caller.ResourceOwners;
import org.patientvault.vault.caller.VaultPrincipal;

/**
 * Narrows every search of a patient to their own compartment, so {@code Observation?code=...} means "my
 * observations", and a search naming another patient's compartment is refused, exactly as one naming a patient
 * that does not exist. Searches of the public directory ({@link ResourceOwners#PUBLIC_DIRECTORY}: "share with
 * which hospital?") are not narrowed: those records belong to no patient.
 */
public class PatientSearchNarrowing extends SearchNarrowingInterceptor {

    @Override
    protected AuthorizedList buildAuthorizedList(RequestDetails request) {
        String type = request.getResourceName();
        if (type != null && ResourceOwners.PUBLIC_DIRECTORY.contains(type)) {
            return null;
        }
        return VaultPrincipal.current()
                .filter(p -> p.kind() == VaultPrincipal.Kind.PATIENT)
                .map(p -> new AuthorizedList().addCompartment(p.patientReference()))
                .orElse(null);
    }
}
