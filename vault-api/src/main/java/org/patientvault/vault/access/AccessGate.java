package org.patientvault.vault.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import java.util.Map;
import org.hl7.fhir.r4.model.IdType;
import org.patientvault.vault.caller.VaultPrincipal;

/**
 * The first decision on every {@code /fhir} request, taken before HAPI handles it and before any stored data is
 * touched on the caller's behalf (DESIGN §4, {@code docs/security.md}):
 * <ol>
 *   <li><b>An allow-list of interactions per caller kind</b> ({@link AccessPolicy}); anything not on it is refused.
 *   PATCH, history by type or server, system-wide search, {@code _has}, chained and other cross-resource search
 *   parameters are offered to nobody: each evaluates stored data before any output filter could see it.</li>
 *   <li><b>Conditional writes only inside a submission</b> (a transaction Bundle), where
 *   {@link SubmissionEntries} confines their matching to the caller's own records.</li>
 *   <li><b>Ownership before the DAO</b>: update, delete, version read and instance history name a record the caller
 *   must own ({@link RecordOwnership}); a foreign record is answered exactly as an unknown id.</li>
 * </ol>
 * Every refusal is built from the request and fixed text. What remains (reads and searches) is filtered per resource
 * by HAPI's authorization rules and the consent service, the second line.
 *
 * <p>Cost: a map lookup per request; one primary-key read as the system for the instance interactions in (3).
 */
@Interceptor
public class AccessGate {

    private final RecordOwnership ownership;

    public AccessGate(RecordOwnership ownership) {
        this.ownership = ownership;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void decide(RequestDetails request, RestOperationTypeEnum operation) {
        if (request instanceof SystemRequestDetails || operation == RestOperationTypeEnum.METADATA) {
            return;
        }
        VaultPrincipal caller = VaultPrincipal.current().orElseThrow(() ->
                new AuthenticationException("Authentication required"));
        String type = request.getResourceName();
        IdType id = request.getId() != null && request.getId().hasIdPart()
                ? new IdType(type, request.getId().getIdPart()) : null;

        refuseForEveryone(request, operation, id);
        if (!AccessPolicy.allows(caller, operation, type, request.getOperation(), id)) {
            throw denied(type, id);
        }
        if (caller.kind() == VaultPrincipal.Kind.PATIENT && operation == RestOperationTypeEnum.SEARCH_TYPE
                && asksForCount(request)) {
            // A patient's search is narrowed to her own compartment (or the directory) and consent never filters
            // what she sees of her own record, so a count counts only what she may see. HAPI's consent layer
            // refuses every count, since elsewhere it filters per resource; for her it is skipped here.
            ConsentInterceptor.skipAllConsentForRequest(request);
        }
        if (AccessPolicy.needsOwnership(caller.kind(), operation) && !ownership.callerOwns(id)) {
            // Deleting again, or reading the history up to a deletion, is still the owner's business.
            throw notKnown(type, id);
        }
    }

    /** Interactions and parameters no caller is offered, whatever it names: the same answer for every id. */
    private static void refuseForEveryone(RequestDetails request, RestOperationTypeEnum operation, IdType id) {
        switch (operation) {
            case PATCH -> throw new MethodNotAllowedException("PATCH is not offered by the vault: send the whole "
                    + "resource with PUT (a hospital) or in a transaction Bundle", RequestTypeEnum.GET,
                    RequestTypeEnum.PUT, RequestTypeEnum.DELETE);
            case HISTORY_TYPE, HISTORY_SYSTEM -> throw new PolicyRefusal(
                    "History is offered per record only (GET [type]/[id]/_history), to the record's owners");
            case SEARCH_SYSTEM -> throw new PolicyRefusal(
                    "Search one resource type at a time (GET [type]?...)");
            case META, META_ADD, META_DELETE, GET_TAGS, ADD_TAGS, DELETE_TAGS, GRAPHQL_REQUEST, VALIDATE -> {
                if (id != null) {
                    throw notKnown(request.getResourceName(), id);
                }
                throw new PolicyRefusal("This interaction is not offered by the vault");
            }
            case CREATE -> {
                if (request.getHeader(Constants.HEADER_IF_NONE_EXIST) != null) {
                    throw conditionalOutsideSubmission("create (If-None-Exist)");
                }
            }
            case UPDATE -> {
                if (id == null) {
                    throw conditionalOutsideSubmission("update");
                }
            }
            case DELETE -> {
                if (id == null) {
                    throw new InvalidRequestException("A conditional delete is not offered: delete your record by id"
                            + " (DELETE [type]/[id])");
                }
            }
            default -> {
                // searches are checked below
            }
        }
        if (operation == RestOperationTypeEnum.SEARCH_TYPE || operation == RestOperationTypeEnum.GET_PAGE
                || operation == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE
                || operation == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE) {
            for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
                SearchParameterRules.refuseIfCrossResource(parameter.getKey());
                SearchParameterRules.refuseIfRepeated(parameter.getKey(), parameter.getValue());
            }
        }
    }

    private static boolean asksForCount(RequestDetails request) {
        String[] summary = request.getParameters().get(Constants.PARAM_SUMMARY);
        String[] total = request.getParameters().get(Constants.PARAM_SEARCH_TOTAL_MODE);
        return total != null || (summary != null && java.util.Arrays.asList(summary).contains("count"));
    }

    private static InvalidRequestException conditionalOutsideSubmission(String what) {
        return new InvalidRequestException("A conditional " + what + " is accepted only as an entry of a transaction"
                + " Bundle (POST /fhir), where it matches only your own records; name the resource by id here");
    }

    /** On a route naming one record the refusal is the unknown-id answer; elsewhere a plain denial. */
    private static RuntimeException denied(String type, IdType id) {
        return id != null ? notKnown(type, id) : new ForbiddenOperationException("Access denied");
    }

    static ResourceNotFoundException notKnown(String type, IdType id) {
        return new ResourceNotFoundException("Resource " + type + "/" + id.getIdPart() + " is not known");
    }
}
