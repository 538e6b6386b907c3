package org.patientvault.vault.objects;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import org.patientvault.storage.StorageUnavailableException;

/**
 * An unreachable object store is the client's "try again later" (503 with an OperationOutcome), not an internal
 * error: it runs before the vault's generic error sanitiser (lower order; the first hook that returns an exception
 * decides). The message names no host or port.
 */
@Interceptor
public final class ObjectStoreErrors {

    @Hook(value = Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION, order = -100)
    public BaseServerResponseException unavailable(RequestDetails request, Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StorageUnavailableException
                    || (t instanceof UnclassifiedServerFailureException u && u.getStatusCode() == 503)) {
                return new UnclassifiedServerFailureException(503,
                        "Object storage is unavailable; nothing was stored. Try again later.");
            }
        }
        return null;
    }
}
