package org.patientvault.vault.caller;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Resource;

/**
 * Marks every resource with the organization that submitted it ({@code meta.tag}), which is what lets a hospital read
 * its own submissions without the patient's consent. Only the server sets the tag: a client-supplied one is replaced.
 * A hospital may update or delete only what it submitted (anything else is answered as not found), and an update may
 * not move a record into another patient's compartment.
 */
@org.springframework.stereotype.Component
@Interceptor
public class SubmitterTag {

    public static final String SYSTEM = "https://patientvault.org/fhir/CodeSystem/submitter";

    private final ResourceOwners owners;

    public SubmitterTag(ResourceOwners owners) {
        this.owners = owners;
    }

    /** The org_id of the organization that submitted this resource, if any. */
    public static Optional<String> of(IBaseResource resource) {
        if (!(resource instanceof Resource r)) {
            return Optional.empty();
        }
        return r.getMeta().getTag().stream().filter(t -> SYSTEM.equals(t.getSystem())).map(Coding::getCode)
                .findFirst();
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        if (request instanceof SystemRequestDetails || !(resource instanceof Resource r)) {
            return;
        }
        stamp(r);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        if (request instanceof SystemRequestDetails || !(updated instanceof Resource r)) {
            return;
        }
        VaultPrincipal p = VaultPrincipal.current().orElse(null);
        if (p != null && p.kind() == VaultPrincipal.Kind.HOSPITAL
                && !of(previous).map(p.orgCode()::equals).orElse(false)) {
            throw notFound(previous);
        }
        if (!owners.patientsOf(previous).equals(owners.patientsOf(updated))) {
            throw new InvalidRequestException("An update may not move " + r.fhirType()
                    + " into another patient's record; submit a new resource instead");
        }
        stamp(r);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void deleted(IBaseResource resource, RequestDetails request) {
        if (request instanceof SystemRequestDetails) {
            return;
        }
        VaultPrincipal p = VaultPrincipal.current().orElse(null);
        if (p != null && p.kind() == VaultPrincipal.Kind.HOSPITAL
                && !of(resource).map(p.orgCode()::equals).orElse(false)) {
            throw notFound(resource);
        }
    }

    private static void stamp(Resource r) {
        r.getMeta().getTag().removeIf(t -> SYSTEM.equals(t.getSystem()));
        VaultPrincipal.current()
                .filter(p -> p.kind() == VaultPrincipal.Kind.HOSPITAL)
                .ifPresent(p -> r.getMeta().addTag(SYSTEM, p.orgCode(), "Submitted by " + p.orgCode()));
    }

    private static ResourceNotFoundException notFound(IBaseResource r) {
        return new ResourceNotFoundException("Resource " + r.getIdElement().toUnqualifiedVersionless().getValue()
                + " is not known");
    }
}
