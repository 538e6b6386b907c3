package org.patientvault.bench.plainhapi;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * HAPI's own resource providers and {@link JpaSystemProvider} at {@code /fhir}; nothing else, unless
 * {@code PLAIN_HAPI_BULK_EXPORT=true} (the cohort benchmark's baseline) also registers HAPI's own
 * {@link BulkDataExportProvider} ({@code $export}, {@code $export-poll-status}), with HAPI's default settings.
 */
@Configuration(proxyBeanMethods = false)
class PlainHapiServerConfig {

    @Bean
    RestfulServer fhirRestfulServer(FhirContext fhirContext,
                                    ResourceProviderFactory resourceProviders,
                                    JpaSystemProvider<Bundle, Meta> systemProvider,
                                    IFhirSystemDao<?, ?> systemDao,
                                    JpaStorageSettings storageSettings,
                                    ISearchParamRegistry searchParamRegistry,
                                    IValidationSupport validationSupport,
                                    DatabaseBackedPagingProvider pagingProvider,
                                    @Value("${plain-hapi.bulk-export:false}") boolean bulkExport,
                                    ObjectProvider<BulkDataExportProvider> bulkExportProvider) {
        RestfulServer server = new RestfulServer(fhirContext);
        server.registerProviders(resourceProviders.createProviders());
        server.registerProvider(systemProvider);
        if (bulkExport) {
            server.registerProvider(bulkExportProvider.getObject());
        }
        server.setServerConformanceProvider(new JpaCapabilityStatementProvider(
                server, systemDao, storageSettings, searchParamRegistry, validationSupport));
        server.setPagingProvider(pagingProvider);
        return server;
    }

    @Bean
    ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
        ServletRegistrationBean<RestfulServer> reg = new ServletRegistrationBean<>(server, "/fhir/*");
        reg.setName("fhir");
        reg.setLoadOnStartup(1);
        return reg;
    }
}
