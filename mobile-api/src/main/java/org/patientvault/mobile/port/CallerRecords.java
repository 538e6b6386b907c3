package org.patientvault.mobile.port;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
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
     * Runs {@code work}, whose calls to this port (on this thread, or on threads it hands them to through
     * {@link CallerContexts#capture()} taken inside it) are audited together when it ends, successfully or not: one
     * AuditEvent on the caller's side naming every interaction, id and query of those calls, the worst outcome and
     * the caller's records concerned (types and counts), plus one per other patient concerned; the same facts as one
     * event per call. Written before this method returns, so before the edge answers. For an edge request that makes
     * several FHIR requests to answer one question (a timeline page). Nested calls join the outer one.
     *
     * <p>Cost: one audit write instead of one per call.
     *
     * @param edgeRequest what the edge was asked, without its query (e.g. {@code GET /mobile/v1/timeline}); recorded
     */
    <T> T auditedAsOne(String edgeRequest, java.util.function.Supplier<T> work);

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
     * The page after {@code page} (its {@code next} link), as the same caller; only the caller who ran the search may
     * follow its links.
     *
     * @return empty when {@code page} is the last one
     * @throws CallerRecordsException if the vault refuses (e.g. the search expired) or fails
     */
    Optional<Bundle> nextPage(Bundle page);

    /**
     * The first page of {@code Patient/<patientId>/$everything} as the caller (a patient: only their own), with
     * {@code count} resources per page; follow it with {@link #nextPage(Bundle)}. Entries may include referenced
     * resources outside the compartment (Organizations, Practitioners) that the caller may read.
     *
     * @throws CallerRecordsException if refused (another patient's id: 403/404) or failed
     */
    Bundle everything(String patientId, int count);

    /**
     * One resource by id.
     *
     * @return empty when it does not exist <em>or</em> the caller may not see it (the two are the same answer)
     * @throws CallerRecordsException if the vault fails
     */
    Optional<Resource> read(String resourceType, String id);

    /**
     * Creates a resource as the caller ({@code POST /fhir/<type>}): the authorization rules decide whether the
     * caller may write it (a patient: their own Consents), the consent module's authoring check validates it.
     *
     * @return the server-assigned id (no version)
     * @throws CallerRecordsException with the server's status (403, 422, ...) if refused; nothing is written then
     */
    String create(Resource resource);

    /**
     * Updates a resource as the caller ({@code PUT /fhir/<type>/<id>}), only if its current version is
     * {@code version} (optimistic locking; a concurrent change gives 412).
     *
     * @throws CallerRecordsException with the server's status if refused; nothing is written then
     */
    void update(Resource resource, String version);

    /**
     * Runs an instance operation as the caller: {@code GET /fhir/<type>/<id>/$<name>} when {@code in} is null (an
     * idempotent operation), else {@code POST} with {@code in}.
     *
     * @param name the operation name without {@code $}
     * @return the operation's Parameters
     * @throws CallerRecordsException with the server's status if refused (an unknown or foreign id: 404)
     */
    Parameters operation(String resourceType, String id, String name, Parameters in);
}
