package org.patientvault.vault.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.ETagSupportEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.binary.interceptor.BinaryStorageInterceptor;
import org.patientvault.vault.audit.AuditTrail;
import org.patientvault.vault.objects.BinaryOwners;
import org.patientvault.vault.objects.BinaryStreaming;
import org.patientvault.vault.objects.ObjectStoreErrors;
import org.patientvault.vault.submission.SubmissionLedgerHook;
import org.patientvault.vault.quality.QualityScorecardProvider;
import org.patientvault.vault.consent.ConsentAuthoring;
import org.patientvault.vault.consent.ConsentExplainProvider;
import org.patientvault.vault.access.DeletedRecords;
import org.patientvault.vault.access.HiddenHistory;
import org.patientvault.vault.access.PagingOwnership;
import org.patientvault.vault.access.PatientSearchNarrowing;
import org.patientvault.vault.caller.SubmitterTag;
import org.patientvault.vault.access.VaultAuthorizationInterceptor;
import org.patientvault.vault.submission.VaultSystemProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one place where the FHIR server's providers and interceptors are registered (house style, after
 * hapi-fhir-jpaserver-starter). Anything that changes what a caller may do or see is added here and nowhere else.
 */
@Configuration(proxyBeanMethods = false)
class FhirServerConfig {

    @Bean
    RestfulServer fhirRestfulServer(FhirContext fhirContext,
                                    ResourceProviderFactory resourceProviders,
                                    VaultSystemProvider systemProvider,
                                    ConsentExplainProvider consentExplain,
                                    QualityScorecardProvider qualityScorecard,
                                    IFhirSystemDao<?, ?> systemDao,
                                    JpaStorageSettings storageSettings,
                                    ISearchParamRegistry searchParamRegistry,
                                    IValidationSupport validationSupport,
                                    DatabaseBackedPagingProvider pagingProvider,
                                    SubmissionLedgerHook submissionLedgerHook,
                                    ConsentInterceptor consentInterceptor,
                                    SubmitterTag submitterTag,
                                    AuditTrail auditTrail,
                                    org.patientvault.vault.intake.TerminologyHook terminologyHook,
                                    org.patientvault.vault.identity.StandalonePatientWrites standalonePatients,
                                    org.patientvault.vault.identity.ClaimOperations claimOperations,
                                    org.patientvault.vault.identity.HospitalPatientView hospitalPatientView,
                                    IInterceptorService jpaInterceptors,
                                    BinaryStorageInterceptor<?> binaryStorage,
                                    BinaryOwners binaryOwners,
                                    BinaryStreaming binaryStreaming,
                                    DeletedRecords deletedRecords,
                                    FhirProperties props) {
        RestfulServer server = new RestfulServer(fhirContext);
        server.setServerName("Patient Vault");
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setETagSupport(ETagSupportEnum.ENABLED);

        server.registerProviders(resourceProviders.createProviders());
        server.registerProvider(systemProvider);
        server.registerProvider(consentExplain);
        server.registerProvider(claimOperations);
        server.registerProvider(qualityScorecard);
        server.setServerConformanceProvider(new JpaCapabilityStatementProvider(
                server, systemDao, storageSettings, searchParamRegistry, validationSupport));

        pagingProvider.setDefaultPageSize(props.defaultPageSize());
        pagingProvider.setMaximumPageSize(props.maxPageSize());
        server.setPagingProvider(pagingProvider);

        // Order matters only within a pointcut; each interceptor documents its own reason.
        server.registerInterceptor(new SafeErrorInterceptor(props.maxRequestSize().toBytes(),
                deletedRecords::callerMayKnowDeleted));
        // Security: default-deny rules per caller kind, patients narrowed to their compartment, then consent decides
        // per resource (before paging and totals) whether a non-owner may see it.
        server.registerInterceptor(new VaultAuthorizationInterceptor());
        server.registerInterceptor(new PatientSearchNarrowing());
        server.registerInterceptor(new PagingOwnership());
        server.registerInterceptor(new HiddenHistory());
        server.registerInterceptor(consentInterceptor);
        server.registerInterceptor(new ConsentAuthoring(java.time.ZoneId.of("Asia/Shanghai")));
        server.registerInterceptor(submitterTag);
        server.registerInterceptor(auditTrail);
        server.registerInterceptor(submissionLedgerHook);
        server.registerInterceptor(new RecordKeepingReferences());
        // Hospital transactions get LOINC/UCUM beside their local codes before they are hashed and stored; ConceptMap
        // uploads are checked for contradictions (422).
        server.registerInterceptor(terminologyHook);
        // A hospital Patient written outside a transaction is not linked: refused when it is someone already here.
        server.registerInterceptor(standalonePatients);
        // The vault Patient holds every hospital's MRNs and views: a hospital reading it sees only its own, and may
        // not overwrite it outside a (linked) submission.
        server.registerInterceptor(hospitalPatientView);
        // Large Binary/Attachment content goes to the encrypted object store. On the JPA-wide service, so system
        // writes and expunges are covered too; the key owner is named just before HAPI stores (lower hook order).
        jpaInterceptors.registerInterceptor(binaryOwners);
        jpaInterceptors.registerInterceptor(binaryStorage);
        // Raw Binary reads stream from the store, with Range; runs after authorization and consent passed the read.
        server.registerInterceptor(binaryStreaming);
        server.registerInterceptor(new ObjectStoreErrors());
        if (props.validateRequests()) {
            server.registerInterceptor(R4Validation.requestValidatingInterceptor(fhirContext));
        }
        return server;
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
