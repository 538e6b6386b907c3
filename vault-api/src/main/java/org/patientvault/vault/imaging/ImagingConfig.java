package org.patientvault.vault.imaging;

import ca.uhn.fhir.context.FhirContext;
import javax.sql.DataSource;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.vault.VaultProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** Beans of the DICOMweb feature; routes are in {@link DicomWebController}. */
@Configuration(proxyBeanMethods = false)
class ImagingConfig {

    @Bean
    DicomWebUrls dicomWebUrls(ImagingProperties props) {
        return new DicomWebUrls(props);
    }

    @Bean(destroyMethod = "shutdown")
    StowService stowService(FhirContext ctx, EncryptedObjectStore store, DataSource dataSource, DicomWebUrls urls,
                            ImagingProperties props, VaultProperties vault) {
        return new StowService(ctx, store, new StudyLocks(dataSource), urls, props, vault);
    }

    @Bean
    DicomInstanceIndex dicomInstanceIndex(JdbcTemplate jdbc) {
        return new DicomInstanceIndex(jdbc);
    }

    /** Registered with the FHIR server by {@code FhirServerConfig} (submission interceptors). */
    @Bean
    StudyWriteGuard studyWriteGuard(DicomInstanceIndex index) {
        return new StudyWriteGuard(index);
    }

    @Bean
    WadoService wadoService(FhirContext ctx, EncryptedObjectStore store, DicomInstanceIndex index, DicomWebUrls urls,
                            ImagingProperties props) {
        return new WadoService(store, new CallerStudies(ctx), index, urls, props);
    }

    @Bean
    QidoService qidoService(FhirContext ctx, DicomInstanceIndex index, DicomWebUrls urls) {
        return new QidoService(new CallerStudies(ctx), index, urls);
    }

    @Bean
    DicomObjectReferences dicomObjectReferences(DicomInstanceIndex index) {
        return new DicomObjectReferences(index);
    }
}
