package org.patientvault.vault.identity;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/**
 * Hospital Patients written outside a transaction are not linked ({@link PatientLinking} rides the transaction path),
 * so a {@code POST /fhir/Patient}, a conditional PUT that creates, or a batch entry that would be the second Patient
 * of someone already in the vault is refused with 409 ({@link PatientLinking#checkStandalone}). Transactions are left
 * alone: their Patients were decided before HAPI saw the bundle.
 */
@Component
@Interceptor
public class StandalonePatientWrites {

    private final PatientLinking linking;

    StandalonePatientWrites(PatientLinking linking) {
        this.linking = linking;
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
        linking.checkStandalone(patient, caller.orgCode(), caller.organizationReference());
    }

    /** Inside {@code POST /fhir} the entries share the outer request; only a transaction Bundle was linked. */
    private static boolean isTransaction(RequestDetails request) {
        return request.getRestOperationType() == RestOperationTypeEnum.TRANSACTION
                && request.getResource() instanceof Bundle bundle
                && bundle.getType() == Bundle.BundleType.TRANSACTION;
    }
}
