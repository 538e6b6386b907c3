package org.patientvault.vault.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.patientvault.vault.caller.VaultPrincipal;

/**
 * A paging link ({@code ?_getpages=...}) belongs to whoever ran the search. Anyone else following it gets the same
 * answer as for a search that never existed, so a leaked or guessed link is no key to someone else's results.
 * Ownership is kept in memory for the most recent searches; after a restart old links simply expire.
 */
@Interceptor
public class PagingOwnership {

    private static final int MAX_SEARCHES = 100_000;

    private final Map<String, String> owners = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > MAX_SEARCHES;
                }
            });

    @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
    public void registered(ICachedSearchDetails search, RequestDetails request) {
        if (request != null && !(request instanceof SystemRequestDetails)) {
            owners.put(search.getUuid(), callerKey());
        }
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void beforePage(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.GET_PAGE) {
            return;
        }
        String[] ids = request.getParameters().get("_getpages");
        String id = ids == null || ids.length == 0 ? "" : ids[0];
        if (!callerKey().equals(owners.get(id))) {
            // Same status and words as HAPI uses for an expired or unknown search.
            throw new ResourceGoneException("Search ID \"" + id + "\" does not exist and may have expired");
        }
    }

    private static String callerKey() {
        return VaultPrincipal.current().map(p -> p.kind() + ":" + p.subject()).orElse("anonymous");
    }
}
