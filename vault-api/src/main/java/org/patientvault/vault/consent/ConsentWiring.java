package org.patientvault.vault.consent;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Consent;
import org.patientvault.consent.ConsentAuditSink;
import org.patientvault.consent.ConsentRequesterResolver;
import org.patientvault.consent.ConsentStore;
import org.patientvault.consent.Purpose;
import org.patientvault.consent.Requester;
import org.patientvault.consent.RequesterKind;
import org.patientvault.consent.ResourceOwner;
import org.patientvault.consent.ResourceOwnership;
import org.patientvault.consent.VaultConsentService;
import org.patientvault.vault.VaultProperties;
import org.patientvault.vault.caller.ResourceOwners;
import org.patientvault.vault.caller.SubmitterTag;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Connects the consent module's one {@code IConsentService} to the vault: who is asking (from the
 * {@link VaultPrincipal}), whose record a resource is, which consents a patient has, and where decisions are audited.
 */
@Configuration(proxyBeanMethods = false)
class ConsentWiring {

    /** A patient's current Consents, read as the system (the consent service and cohort eligibility use it). */
    @Bean
    ConsentStore consentStore(DaoRegistry daos) {
        return new SearchedConsentStore(daos);
    }

    @Bean
    ConsentInterceptor consentInterceptor(ConsentStore consents, ResourceOwners owners, ConsentAuditSink auditSink,
                                          VaultProperties vault) {
        ConsentRequesterResolver requesters = request -> VaultPrincipal.current().map(p -> switch (p.kind()) {
            case PATIENT -> Requester.patient(p.patientId());
            // Both names of the caller's organisation: a Consent may name it by identifier (its client id) or by
            // literal reference to its vault Organization; without the reference the second form matched nobody.
            case HOSPITAL -> new Requester(RequesterKind.HOSPITAL, null, p.orgCode(), p.organizationReference(),
                    Purpose.TREATMENT, false);
            case AI_FIRM -> new Requester(RequesterKind.AI_FIRM, null, p.orgCode(), p.organizationReference(),
                    Purpose.AI_TRAINING, false);
            case ADMIN -> Requester.admin();
        }).orElse(Requester.anonymous());


        ResourceOwnership ownership = resource -> {
            Set<String> patients = owners.patientsOf(resource);
            if (patients.isEmpty() && resource instanceof org.hl7.fhir.r4.model.Binary binary
                    && isPlaceholder(binary.getSecurityContext().getReference()) && submittedByCaller(binary)) {
                // The submitting hospital's own Binary, being created inside a Bundle: HAPI asks about the write's
                // outcome before it replaces the urn:uuid placeholders, so the owner is not known yet (as for any
                // other entry whose patient reference is still a placeholder: its submitter's only). Rejecting it made
                // HAPI drop the outcome's resource, and its transaction processor then skipped writing the version
                // row (HFJ_RESOURCE without HFJ_RES_VER: a Binary nobody could read). Only its submitter gets here;
                // a stored Binary never keeps a placeholder (HAPI resolves it or fails the Bundle, and
                // objects.BinaryOwners refuses a Binary that does not name one Patient).
                return Optional.of(ResourceOwner.submitterOnly(SubmitterTag.of(binary).orElse(null)));
            }
            if (patients.isEmpty() && resource instanceof org.hl7.fhir.r4.model.Binary) {
                // Unattributable bytes are shown to nobody but the system.
                return Optional.empty();
            }
            if (patients.isEmpty()) {
                return Optional.of(ResourceOwners.PUBLIC_DIRECTORY.contains(resource.fhirType())
                        ? ResourceOwner.directory() : ResourceOwner.submitterOnly(SubmitterTag.of(resource)
                        .orElse(null)));
            }
            return Optional.of(new ResourceOwner(patients, SubmitterTag.of(resource).orElse(null)));
        };

        return new ConsentInterceptor(new VaultConsentService(requesters, consents, ownership, auditSink,
                Clock.systemUTC(), vault.zone()));
    }

    /** A reference to another entry of the Bundle being processed ({@code urn:uuid:}/{@code urn:oid:}). */
    private static boolean isPlaceholder(String reference) {
        return reference != null && reference.startsWith("urn:");
    }

    /** Whether the calling hospital is the one that submitted (is submitting) this resource. */
    private static boolean submittedByCaller(org.hl7.fhir.r4.model.Binary binary) {
        return VaultPrincipal.current().filter(p -> p.kind() == VaultPrincipal.Kind.HOSPITAL)
                .flatMap(p -> SubmitterTag.of(binary).filter(p.orgCode()::equals)).isPresent();
    }
}
