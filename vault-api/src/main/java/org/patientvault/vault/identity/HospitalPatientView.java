package org.patientvault.vault.identity;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.patientvault.vault.problem.VaultConflict;
import org.patientvault.mapping.linking.PatientIdentityMerger;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/**
 * The vault Patient accumulates every hospital's identifiers and views ({@link PatientLinking}); this keeps that from
 * leaking between hospitals. It decides nothing about access (authorization and consent did that already): it only
 * shapes what a hospital allowed to read a Patient gets, and protects what others contributed.
 * <ul>
 *   <li>Reads ({@code STORAGE_PRESHOW_RESOURCES}, so reads, searches and includes alike): a hospital sees a Patient
 *       without the other hospitals' views, without identifiers another organization assigned and without the
 *       patient's account identifier ({@link PatientIdentityMerger#asSeenBy}).</li>
 *   <li>Single-resource updates by a hospital of a Patient holding others' data (another hospital's view or MRN, or a
 *       linked account) are refused with 409: the hospital would overwrite the patient's record with its own partial
 *       copy. A transaction submission ({@code POST /fhir}) is the way: it links the Patient and keeps the hospital's
 *       statement as its view. Patients holding only the hospital's own data are updated as before.</li>
 * </ul>
 * <ul>
 *   <li>The patient reading her own Patient gets, in the standard elements, the union of what her hospitals recorded
 *       (names in every script, telecom, addresses, identifiers), each marked with the hospital that recorded it
 *       ({@link PatientIdentityMerger#asSeenByPatient}; computed on read, never stored, so that hospitals keep seeing
 *       only their own view).</li>
 * </ul>
 * Cost: a copy of each Patient shown to a hospital or to its patient; nothing for other callers or resource types.
 */
@Component
@Interceptor
public class HospitalPatientView {

    @Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
    public void shown(IPreResourceShowDetails details, RequestDetails request) {
        VaultPrincipal self = patient(request);
        if (self != null) {
            for (int i = 0; i < details.size(); i++) {
                if (details.getResource(i) instanceof Patient p
                        && self.patientId().equals(p.getIdElement().getIdPart())) {
                    // In place, as below. The union is computed on read, never stored (see asSeenByPatient).
                    Patient union = PatientIdentityMerger.asSeenByPatient(p);
                    p.setName(union.getName());
                    p.setTelecom(union.getTelecom());
                    p.setAddress(union.getAddress());
                    p.setIdentifier(union.getIdentifier());
                }
            }
            return;
        }
        VaultPrincipal hospital = hospital(request);
        if (hospital == null) {
            return;
        }
        for (int i = 0; i < details.size(); i++) {
            if (details.getResource(i) instanceof Patient p) {
                // In place, not a replacement: HAPI treats a replaced resource as one the hook withheld (a
                // conditional create's match would then miss). The instance was loaded for this request only.
                Patient seen = PatientIdentityMerger.asSeenBy(p, hospital.orgCode(),
                        hospital.organizationReference());
                seen.getIdentifier().removeIf(id -> AccountLinker.ACCOUNT_SYSTEM.equals(id.getSystem()));
                p.setIdentifier(seen.getIdentifier());
                p.setExtension(seen.getExtension());
            }
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updating(IBaseResource previous, IBaseResource updated, RequestDetails request) {
        VaultPrincipal hospital = hospital(request);
        if (hospital == null || !(previous instanceof Patient before)) {
            return;
        }
        boolean account = before.getIdentifier().stream().anyMatch(i -> AccountLinker.ACCOUNT_SYSTEM.equals(
                i.getSystem()));
        if (account || PatientIdentityMerger.holdsOthersData(before, hospital.orgCode(),
                hospital.organizationReference())) {
            throw new VaultConflict("Patient/" + before.getIdElement().getIdPart()
                    + " is the patient's record and holds what other hospitals or the patient contributed; submit"
                    + " your Patient in a transaction (POST /fhir), where it is linked and kept as your hospital's"
                    + " view");
        }
    }

    private static VaultPrincipal patient(RequestDetails request) {
        if (request == null || request instanceof SystemRequestDetails) {
            return null;
        }
        return VaultPrincipal.current().filter(p -> p.kind() == VaultPrincipal.Kind.PATIENT && p.patientId() != null)
                .orElse(null);
    }

    private static VaultPrincipal hospital(RequestDetails request) {
        if (request == null || request instanceof SystemRequestDetails) {
            return null;
        }
        return VaultPrincipal.current().filter(p -> p.kind() == VaultPrincipal.Kind.HOSPITAL).orElse(null);
    }
}
