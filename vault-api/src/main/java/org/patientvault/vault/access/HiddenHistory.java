package org.patientvault.vault.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A resource that exists always has at least one version, so an instance history that consent filtered down to
 * nothing is answered exactly as the history of a resource that does not exist: 404, not an empty 200 that would
 * betray existence.
 */
@Interceptor
public class HiddenHistory {

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public void outgoing(RequestDetails request, IBaseResource response) {
        if (request.getRestOperationType() == RestOperationTypeEnum.HISTORY_INSTANCE
                && response instanceof Bundle bundle && bundle.getEntry().isEmpty()) {
            throw new ResourceNotFoundException("Resource " + request.getResourceName() + "/"
                    + request.getId().getIdPart() + " is not known");
        }
    }
}
