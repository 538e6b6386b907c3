package org.patientvault.vault.objects;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.patientvault.vault.security.ResourceOwners;
import org.patientvault.vault.security.VaultPrincipal;

/**
 * Names the key owner of externalised content for {@code VaultBinaryStorageSvc}: the one patient the resource being
 * stored belongs to (a Binary's {@code securityContext}, or the patient compartment of a resource carrying an
 * Attachment), else the calling patient, else {@code null} (the adapter then uses "vault").
 *
 * <p>Why hooks and a thread-local: the adapter's resolver sees only the request, while one transaction may store
 * content for several patients. HAPI's {@code BinaryStorageInterceptor} stores a create's content in
 * {@code STORAGE_PRECOMMIT_RESOURCE_CREATED} (deferred to the end of a transaction, so references are resolved by
 * then) and an update's in {@code STORAGE_PRESTORAGE_RESOURCE_UPDATED}; this interceptor runs first on the same
 * pointcuts (lower order) and records the owner of exactly that resource, on the same thread.
 */
@Interceptor
public final class BinaryOwners implements Function<RequestDetails, String> {

    /** Before HAPI's BinaryStorageInterceptor (default order 0). */
    static final int ORDER = -100;

    private final ResourceOwners owners;
    /** Keyed by the request too, so a value can never outlive its request and serve another one. */
    private final ThreadLocal<Current> current = new ThreadLocal<>();

    BinaryOwners(ResourceOwners owners) {
        this.owners = owners;
    }

    @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, order = ORDER)
    public void created(IBaseResource resource, RequestDetails request) {
        current.set(new Current(request, patientOf(resource)));
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = ORDER)
    public void creating(IBaseResource resource, RequestDetails request) {
        current.set(new Current(request, patientOf(resource)));
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = ORDER)
    public void updated(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        current.set(new Current(request, patientOf(updated)));
    }

    /** The owner for a store happening now on this thread. */
    @Override
    public String apply(RequestDetails request) {
        Current c = current.get();
        if (c != null && c.request() == request && c.patient() != null) {
            return c.patient();
        }
        return VaultPrincipal.current().filter(p -> p.kind() == VaultPrincipal.Kind.PATIENT)
                .map(VaultPrincipal::patientId).orElse(null);
    }

    /** The patient a resource belongs to, or null when it belongs to none or to several (then the caller decides). */
    String patientOf(IBaseResource resource) {
        Set<String> patients = owners.patientsOf(resource);
        return patients.size() == 1 ? patients.iterator().next() : null;
    }

    private record Current(RequestDetails request, String patient) {
    }
}
