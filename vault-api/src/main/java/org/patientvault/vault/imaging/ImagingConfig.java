package org.patientvault.vault.imaging;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import javax.sql.DataSource;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.vault.VaultProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
    WadoService wadoService(FhirContext ctx, EncryptedObjectStore store, DicomWebUrls urls, ImagingProperties props) {
        return new WadoService(store, new CallerStudies(ctx), urls, props);
    }

    @Bean
    DicomObjectReferences dicomObjectReferences(DaoRegistry daos) {
        return new DicomObjectReferences(daos);
    }
}
