package org.patientvault.vault.submission;

import ca.uhn.fhir.rest.api.server.RequestDetails;

/** Says who is submitting; the security layer provides the real one. */
@FunctionalInterface
public interface SubmitterResolver {

    /** The submitter of this request; never null. Cheap: called once per submission. */
    Submitter resolve(RequestDetails request);
}
