package org.patientvault.mobile.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * The FHIR record as the calling user may see it: every call runs as the authenticated caller of the current HTTP
 * request, through the same interceptors as a request to {@code /fhir} (authorization rules, compartment narrowing,
 * consent, audit). So a patient sees their own compartment and nothing else, whatever the parameters say.
 *
 * <p>Must be called on the thread of an authenticated HTTP request. Cost: one in-process FHIR request per call,
 * buffered in memory (one search page or one resource).
 */
public interface CallerRecords {

    /**
     * One page of a search, e.g. {@code search("Observation", Map.of("code", List.of("http://loinc.org|1558-6")))}.
     *
     * @param resourceType a FHIR resource type
     * @param parameters   search parameters, values unencoded; several values of one name are AND-ed
     * @return a {@code searchset} Bundle of what the caller may see (its {@code next} link pages on)
     * @throws CallerRecordsException if the vault refuses the search (bad parameters, not allowed) or fails
     */
    Bundle search(String resourceType, Map<String, List<String>> parameters);

    /**
     * One resource by id.
     *
     * @return empty when it does not exist <em>or</em> the caller may not see it (the two are the same answer)
     * @throws CallerRecordsException if the vault fails
     */
    Optional<Resource> read(String resourceType, String id);
}
