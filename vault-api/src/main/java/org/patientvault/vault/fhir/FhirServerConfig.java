package org.patientvault.vault.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.binary.interceptor.BinaryStorageInterceptor;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.ETagSupportEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Group;
import org.patientvault.vault.VaultProperties;
import org.patientvault.vault.access.AccessGate;
import org.patientvault.vault.access.HiddenHistory;
import org.patientvault.vault.access.PagingOwnership;
import org.patientvault.vault.access.PatientSearchNarrowing;
import org.patientvault.vault.access.RecordOwnership;
import org.patientvault.vault.access.VaultAuthorizationInterceptor;
import org.patientvault.vault.audit.AuditTrail;
import org.patientvault.vault.caller.SubmitterTag;
import org.patientvault.vault.cohort.CohortExports;
import org.patientvault.vault.cohort.CohortProvider;
import org.patientvault.vault.consent.ConsentAuthoring;
import org.patientvault.vault.consent.ConsentExplainProvider;
import org.patientvault.vault.fhir.InterceptorGroup.Concern;
import org.patientvault.vault.identity.ClaimOperations;
import org.patientvault.vault.identity.HospitalPatientView;
import org.patientvault.vault.identity.StandalonePatientWrites;
import org.patientvault.vault.imaging.StudyWriteGuard;
import org.patientvault.vault.intake.TerminologyHook;
import org.patientvault.vault.objects.BinaryOwners;
import org.patientvault.vault.objects.BinaryStreaming;
import org.patientvault.vault.objects.ObjectStoreErrors;
import org.patientvault.vault.quality.QualityScorecardProvider;
import org.patientvault.vault.submission.SubmissionLedgerHook;
import org.patientvault.vault.submission.VaultSystemProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one place where the FHIR server's providers and interceptors are registered (house style, after
 * hapi-fhir-jpaserver-starter). Anything that changes what a caller may do or see is added here and nowhere else:
 * one bean per concern below lists its interceptors in order, and {@link Concern} states the order between concerns.
 */
@Configuration(proxyBeanMethods = false)
class FhirServerConfig {

    /** HAPI's resource providers plus the vault's operations, one per feature that offers any. */
    record Providers(List<Object> all) {
    }

    @Bean
    Providers fhirProviders(ResourceProviderFactory resources, VaultSystemProvider system,
                            ConsentExplainProvider consentExplain, ClaimOperations claims,
                            QualityScorecardProvider qualityScorecard, CohortProvider cohorts,
                            CohortExports cohortExports) {
        // Group is the cohort request of an AI firm, served by the cohort package from its own records; HAPI's
        // generic Group provider would offer stored Groups to searches the cohort rules never see.
        List<Object> all = new ArrayList<>(resources.createProviders().stream()
                .filter(p -> !(p instanceof IResourceProvider r && r.getResourceType() == Group.class)).toList());
        all.addAll(List.of(system, consentExplain, claims, qualityScorecard, cohorts, cohortExports));
        return new Providers(all);
    }

    @Bean
    InterceptorGroup errorInterceptors(FhirProperties props, RecordOwnership ownership) {
        return InterceptorGroup.of(Concern.ERRORS,
                new SafeErrorInterceptor(props.maxRequestSize().toBytes(), ownership::callerMayKnowDeleted));
    }

    @Bean
    InterceptorGroup accessInterceptors(ConsentInterceptor consent, SubmitterTag submitterTag, VaultProperties vault,
                                        RecordOwnership ownership) {
        // The allow-list and ownership before HAPI touches anything; then HAPI's default-deny rules per caller kind,
        // patients narrowed to their compartment, and consent deciding per resource (before paging and totals)
        // whether a non-owner may see it.
        return InterceptorGroup.of(Concern.ACCESS,
                new AccessGate(ownership),
                new VaultAuthorizationInterceptor(),
                new PatientSearchNarrowing(),
                new PagingOwnership(),
                new HiddenHistory(),
                consent,
                new ConsentAuthoring(vault.zone()),
                submitterTag);
    }

    @Bean
    InterceptorGroup auditInterceptors(AuditTrail auditTrail) {
        return InterceptorGroup.of(Concern.AUDIT, auditTrail);
    }

    @Bean
    InterceptorGroup submissionInterceptors(SubmissionLedgerHook ledger, TerminologyHook terminology,
                                            StandalonePatientWrites standalonePatients,
                                            HospitalPatientView hospitalPatientView, StudyWriteGuard studyWrites) {
        return InterceptorGroup.of(Concern.SUBMISSION,
                ledger,
                new RecordKeepingReferences(),
                // LOINC/UCUM beside local codes before a transaction is hashed and stored; ConceptMap checks (422).
                terminology,
                // A hospital Patient written outside a transaction is not linked: refused when it is someone here.
                standalonePatients,
                // A hospital reading the vault Patient sees only its own view and MRNs, and may not overwrite it
                // outside a (linked) submission.
                hospitalPatientView,
                // ImagingStudy series/instances only from STOW's own writes, which also fill the DICOM instance index.
                studyWrites);
    }

    @Bean
    InterceptorGroup objectInterceptors(BinaryOwners binaryOwners, BinaryStorageInterceptor<?> binaryStorage,
                                        BinaryStreaming binaryStreaming) {
        // Large Binary/Attachment content goes to the encrypted object store, on the JPA-wide service so system
        // writes and expunges are covered too; the key owner is named just before HAPI stores (lower hook order).
        // Raw Binary reads stream from the store, with Range, after authorization and consent passed the read.
        return new InterceptorGroup(Concern.OBJECTS,
                List.of(binaryStreaming, new ObjectStoreErrors()),
                List.of(binaryOwners, binaryStorage));
    }

    @Bean
    InterceptorGroup validationInterceptors(FhirProperties props, FhirContext fhirContext) {
        return props.validateRequests()
                ? InterceptorGroup.of(Concern.VALIDATION, R4Validation.requestValidatingInterceptor(fhirContext,
                        props.warmUpValidation(), props.validationSliceEntries(), props.validationThreads()))
                : InterceptorGroup.of(Concern.VALIDATION);
    }

    /** What HAPI's capability statement provider needs besides the server. */
    record CapabilityParts(IFhirSystemDao<?, ?> systemDao, JpaStorageSettings storageSettings,
                           ISearchParamRegistry searchParamRegistry, IValidationSupport validationSupport) {
    }

    @Bean
    CapabilityParts capabilityParts(IFhirSystemDao<?, ?> systemDao, JpaStorageSettings storageSettings,
                                    ISearchParamRegistry searchParamRegistry, IValidationSupport validationSupport) {
        return new CapabilityParts(systemDao, storageSettings, searchParamRegistry, validationSupport);
    }

    @Bean
    RestfulServer fhirRestfulServer(FhirContext fhirContext, FhirProperties props, Providers providers,
                                    List<InterceptorGroup> interceptors, IInterceptorService jpaInterceptors,
                                    DatabaseBackedPagingProvider pagingProvider, CapabilityParts capability) {
        RestfulServer server = new RestfulServer(fhirContext);
        server.setServerName("Patient Vault");
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setETagSupport(ETagSupportEnum.ENABLED);

        server.registerProviders(providers.all());
        server.setServerConformanceProvider(new JpaCapabilityStatementProvider(server, capability.systemDao(),
                capability.storageSettings(), capability.searchParamRegistry(), capability.validationSupport()));

        pagingProvider.setDefaultPageSize(props.defaultPageSize());
        pagingProvider.setMaximumPageSize(props.maxPageSize());
        server.setPagingProvider(pagingProvider);

        for (InterceptorGroup group : inOrder(interceptors)) {
            group.server().forEach(server::registerInterceptor);
            group.storage().forEach(jpaInterceptors::registerInterceptor);
        }
        return server;
    }

    /** The groups in {@link Concern} order; each concern exactly once, or the server does not start. */
    static List<InterceptorGroup> inOrder(List<InterceptorGroup> groups) {
        Set<Concern> seen = EnumSet.noneOf(Concern.class);
        for (InterceptorGroup g : groups) {
            if (!seen.add(g.concern())) {
                throw new IllegalStateException("Two interceptor groups for the concern " + g.concern());
            }
        }
        if (!seen.equals(EnumSet.allOf(Concern.class))) {
            throw new IllegalStateException("No interceptor group for " + EnumSet.complementOf(EnumSet.copyOf(seen)));
        }
        return groups.stream().sorted(Comparator.comparing(InterceptorGroup::concern)).toList();
    }

    @Bean
    ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
        ServletRegistrationBean<RestfulServer> reg = new ServletRegistrationBean<>(server, "/fhir/*");
        reg.setName("fhir");
        reg.setLoadOnStartup(1);
        return reg;
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimitFilter> fhirRequestSizeLimit(FhirProperties props, FhirContext ctx) {
        FilterRegistrationBean<RequestSizeLimitFilter> reg =
                new FilterRegistrationBean<>(new RequestSizeLimitFilter(props.maxRequestSize().toBytes(), ctx));
        reg.addUrlPatterns("/fhir/*");
        reg.setOrder(-200);
        return reg;
    }
}
