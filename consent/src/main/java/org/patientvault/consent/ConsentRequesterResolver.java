package org.patientvault.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/**
 * Tells {@link VaultConsentService} who is calling. The app implements it from its per-request principal.
 * Called at most once per request (the result is cached in the request's user data); it must be cheap and must not
 * return null (return {@link Requester#anonymous()} instead). An exception makes every patient-owned resource of the
 * request hidden.
 */
@FunctionalInterface
public interface ConsentRequesterResolver {
    Requester resolve(RequestDetails request);
}
