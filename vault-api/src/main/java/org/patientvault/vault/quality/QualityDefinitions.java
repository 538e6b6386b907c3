package org.patientvault.vault.quality;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.fhir.util.UrlUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Loads the {@code quality} SearchParameter and the {@code quality-score} StructureDefinition (shipped by
 * fhir-mapping under {@code quality/}) into the server as the system, at every start. Idempotent: a conditional update
 * by canonical url creates them once and changes nothing when they are unchanged. The search-parameter cache is then
 * refreshed, so {@code Observation?quality=ge0.8} works at once for data stored from then on.
 *
 * <p>HAPI 8.8 activates stored SearchParameters only with {@code defaultSearchParamsCanBeOverridden(true)}
 * (hapi-fhir issue 2631), which the vault sets; should it ever be off, this class logs an error at start.
 *
 * <p>Loaded whatever {@code vault.quality.enabled} says: the parameter must keep working for already-scored data.
 */
@Component
class QualityDefinitions {

    private static final Logger LOG = LoggerFactory.getLogger(QualityDefinitions.class);
    static final String SEARCH_PARAMETER = "/quality/SearchParameter-quality.json";
    static final String STRUCTURE_DEFINITION = "/quality/StructureDefinition-quality-score.json";

    private final DaoRegistry daos;
    private final FhirContext fhir;
    private final ISearchParamRegistry registry;

    QualityDefinitions(DaoRegistry daos, FhirContext fhir, ISearchParamRegistry registry) {
        this.daos = daos;
        this.fhir = fhir;
        this.registry = registry;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        try {
            load();
        } catch (RuntimeException e) {
            // The vault still serves; only quality search is missing. Startup must not depend on it.
            LOG.error("data-quality definitions could not be stored: {}", e.getClass().getName(), e);
        }
    }

    /** Stores (or confirms) both definitions and refreshes the registry; true if {@code quality} is then active. */
    boolean load() {
        upsert(StructureDefinition.class, STRUCTURE_DEFINITION);
        upsert(SearchParameter.class, SEARCH_PARAMETER);
        registry.forceRefresh();
        if (registry.getActiveSearchParam("Observation", "quality",
                ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH) == null) {
            LOG.error("the quality SearchParameter is stored but not active, so Observation?quality=... is refused:"
                    + " HAPI activates stored SearchParameters only with defaultSearchParamsCanBeOverridden=true");
            return false;
        }
        LOG.info("data-quality search parameter and extension definition loaded and active");
        return true;
    }

    private <T extends MetadataResource> void upsert(Class<T> type, String path) {
        T resource = parse(type, path);
        String url = resource.getUrl();
        resource.setId((String) null);
        IFhirResourceDao<T> dao = daos.getResourceDao(type);
        dao.update(resource, type.getSimpleName() + "?url=" + UrlUtil.escapeUrlParam(url), new SystemRequestDetails());
    }

    private <T extends MetadataResource> T parse(Class<T> type, String path) {
        try (InputStream in = QualityDefinitions.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + path + " is missing (fhir-mapping jar)");
            }
            return fhir.newJsonParser().parseResource(type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
