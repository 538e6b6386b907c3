package org.patientvault.vault.objects;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.patientvault.vault.caller.ResourceOwners;
import org.patientvault.vault.caller.VaultPrincipal;

/**
 * Names the key owner of externalised content for {@code VaultBinaryStorageSvc}: the one patient the resource being
 * stored belongs to (a Binary's {@code securityContext}, or the patient compartment of a resource carrying an
 * Attachment), else the calling patient, else {@code null} (the adapter then uses "vault").
 *
 * <p>Why hooks and a thread-local: the adapter's resolver sees only the request, while one transaction may store
 * content for several patients. HAPI's {@code BinaryStorageInterceptor} stores a create's content in
 * {@code STORAGE_PRECOMMIT_RESOURCE_CREATED} (deferred to the end of a transaction, so references are resolved by
 * then) and an update's in {@code STORAGE_PRESTORAGE_RESOURCE_UPDATED}; this interceptor runs first on the same
 * pointcuts (lower order) and records the owner of exactly that resource, on the same thread, and forgets it after
 * HAPI's hook ran (higher order). HAPI's deferred pre-commit store passes no usable RequestDetails, so the request
 * cannot be the key.
 *
 * <p>A caller's Binary that names no single Patient in {@code securityContext} is refused (422) when created: nobody
 * could ever read it back; one without content is refused (400). The system's own writes are exempt.
 */
@Interceptor
public final class BinaryOwners implements Function<RequestDetails, String> {

    /** Before HAPI's BinaryStorageInterceptor (default order 0). */
    static final int ORDER = -100;

    private final ResourceOwners owners;
    /** After HAPI's BinaryStorageInterceptor: the owner lives exactly as long as that resource's store. */
    static final int AFTER = 100;

    private final ThreadLocal<String> current = new ThreadLocal<>();

    BinaryOwners(ResourceOwners owners) {
        this.owners = owners;
    }

    @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, order = ORDER)
    public void created(IBaseResource resource, RequestDetails request) {
        String patient = patientOf(resource);
        if (patient == null && resource instanceof Binary && request != null
                && !(request instanceof SystemRequestDetails)) {
            // Stored, such a Binary could be read by nobody (its owner decides who may read it); refused before its
            // content is stored, rolling back the whole Bundle it came in. Runs after HAPI resolved the Bundle's
            // urn:uuid references, so a securityContext naming a Patient entry of the same Bundle is accepted.
            throw new UnprocessableEntityException("A Binary must name the Patient whose record it belongs to in"
                    + " Binary.securityContext (a Patient reference). Send the Binary as FHIR JSON or XML, or send"
                    + " raw content with an X-Security-Context: Patient/<id> header.");
        }
        current.set(patient);
    }

    @Hook(value = Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED, order = AFTER)
    public void createdDone() {
        current.remove();
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = ORDER)
    public void creating(IBaseResource resource, RequestDetails request) {
        requireContent(resource, request);
        current.set(patientOf(resource));
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED, order = AFTER)
    public void creatingDone() {
        current.remove();
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = ORDER)
    public void updating(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        requireContent(updated, request);
        current.set(patientOf(updated));
    }

    /**
     * A caller's Binary must carry content: an empty upload (zero-byte raw body, or FHIR JSON without
     * {@code data}) is refused with a 400 before anything is stored. Content HAPI already externalised (the
     * extension in place of {@code data}, e.g. an update that keeps it) counts as content.
     */
    private static void requireContent(IBaseResource resource, RequestDetails request) {
        if (!(resource instanceof Binary binary) || request == null || request instanceof SystemRequestDetails) {
            return;
        }
        boolean hasBytes = binary.getData() != null && binary.getData().length > 0;
        boolean externalised = BinaryStreaming.externalId(binary).isPresent();
        if (!hasBytes && !externalised) {
            throw new InvalidRequestException("The Binary has no content: send a non-empty body (raw bytes with"
                    + " their Content-Type, or FHIR JSON/XML with Binary.data)");
        }
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = AFTER)
    public void updatingDone() {
        current.remove();
    }

    /** The owner for a store happening now on this thread. */
    @Override
    public String apply(RequestDetails request) {
        String patient = current.get();
        if (patient != null) {
            return patient;
        }
        return VaultPrincipal.current().filter(p -> p.kind() == VaultPrincipal.Kind.PATIENT)
                .map(VaultPrincipal::patientId).orElse(null);
    }

    /** The patient a resource belongs to, or null when it belongs to none or to several (then the caller decides). */
    String patientOf(IBaseResource resource) {
        Set<String> patients = owners.patientsOf(resource);
        return patients.size() == 1 ? patients.iterator().next() : null;
    }
}
