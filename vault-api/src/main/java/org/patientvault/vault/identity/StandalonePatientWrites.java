package org.patientvault.vault.identity;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/**
 * Hospital Patients written outside a transaction are not linked ({@link PatientLinking} rides the transaction path),
 * so a {@code POST /fhir/Patient}, a conditional PUT that creates, or a batch entry that would be the second Patient
 * of someone already in the vault is refused with 409 ({@link PatientLinking#checkStandalone}). Transactions are left
 * alone: their Patients were decided before HAPI saw the bundle. Creates and updates alike may assert only the
 * hospital's own MRN namespaces and the resident ID ({@link MrnNamespaces}, 422 otherwise).
 */
@Component
@Interceptor
public class StandalonePatientWrites {

    private final PatientLinking linking;
    private final MrnNamespaces namespaces;

    StandalonePatientWrites(PatientLinking linking, MrnNamespaces namespaces) {
        this.linking = linking;
        this.namespaces = namespaces;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void creating(IBaseResource resource, RequestDetails request) {
        if (!(resource instanceof Patient patient) || request == null || request instanceof SystemRequestDetails
                || isTransaction(request)) {
            return;
        }
        VaultPrincipal caller = VaultPrincipal.current().orElse(null);
        if (caller == null || caller.kind() != VaultPrincipal.Kind.HOSPITAL) {
            return;
        }
        List<String> claims = namespaces.check(patient, caller.orgCode(), caller.organizationReference(), "Patient");
        linking.checkStandalone(patient, caller.orgCode(), caller.organizationReference());
        namespaces.claim(claims, caller.orgCode(), "Patient");
    }

    /**
     * An update (PUT, or a PATCH's result) may not slip in identifiers the hospital could not create with: the same
     * namespace rule as for creates (issue 13 item 9). Transactions were checked before HAPI saw the bundle.
     */
    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updating(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        if (!(resource instanceof Patient patient) || request == null || request instanceof SystemRequestDetails
                || isTransaction(request)) {
            return;
        }
        VaultPrincipal caller = VaultPrincipal.current().orElse(null);
        if (caller == null || caller.kind() != VaultPrincipal.Kind.HOSPITAL) {
            return;
        }
        List<String> claims = namespaces.check(patient, caller.orgCode(), caller.organizationReference(), "Patient");
        namespaces.claim(claims, caller.orgCode(), "Patient");
    }

    /** Inside {@code POST /fhir} the entries share the outer request; only a transaction Bundle was linked. */
    private static boolean isTransaction(RequestDetails request) {
        return request.getRestOperationType() == RestOperationTypeEnum.TRANSACTION
                && request.getResource() instanceof Bundle bundle
                && bundle.getType() == Bundle.BundleType.TRANSACTION;
    }
}
