package org.patientvault.vault.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.ZoneId;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Consent;
import org.patientvault.consent.ConsentValidator;
import org.patientvault.vault.caller.VaultPrincipal;

/**
 * A patient authors their own Consents through {@code /fhir}: each create or update is checked by the consent
 * module's validator (only self as the patient, only known codes, a sane period) and refused with a precise
 * OperationOutcome otherwise. This validates; it never decides access (that is the consent service's alone).
 */
@Interceptor
public class ConsentAuthoring {

    private final ZoneId zone;

    public ConsentAuthoring(ZoneId zone) {
        this.zone = zone;
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        check(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
        check(resource, request);
    }

    private void check(IBaseResource resource, RequestDetails request) {
        if (!(resource instanceof Consent consent) || request instanceof SystemRequestDetails) {
            return;
        }
        String self = VaultPrincipal.current().map(VaultPrincipal::patientId).orElse(null);
        List<ConsentValidator.Issue> issues = ConsentValidator.validate(consent, self, zone);
        if (!issues.isEmpty()) {
            throw new UnprocessableEntityException(request.getFhirContext(),
                    ConsentValidator.toOperationOutcome(issues));
        }
    }
}
