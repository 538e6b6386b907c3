package org.patientvault.vault.intake;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.util.UrlUtil;
import java.util.List;
import org.hl7.fhir.r4.model.ConceptMap;
import org.patientvault.mapping.terminology.TerminologyMaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Publishes the starter ConceptMaps ({@link TerminologyMaps#starterConceptMaps}) in the FHIR server at every start, as
 * the system, so hospitals and admin can read the maps the vault applies at {@code /fhir/ConceptMap} (they are not
 * patient data: no compartment, no submitter tag) and base their own maps on them.
 *
 * <p>Idempotent across restarts and replicas: each map is a conditional create on its canonical {@code url} and
 * {@code version}, so a map already stored is left alone and a new version of a map is stored beside the old one. The
 * stored copies are for reading; the normaliser uses the maps shipped in the jar ({@link HospitalTerminology}), so a
 * missing or edited stored copy never changes what a submission gets. Cost: one indexed search per map (seven).
 */
@Component
class StarterConceptMaps {

    private static final Logger LOG = LoggerFactory.getLogger(StarterConceptMaps.class);

    private final DaoRegistry daos;
    private final FhirContext ctx;

    StarterConceptMaps(DaoRegistry daos, FhirContext ctx) {
        this.daos = daos;
        this.ctx = ctx;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        try {
            int created = load();
            LOG.info("starter ConceptMaps published ({} new)", created);
        } catch (RuntimeException e) {
            // The vault still serves and still maps (from the jar); only reading the starter maps is missing.
            LOG.error("starter ConceptMaps could not be stored: {}", e.getClass().getName(), e);
        }
    }

    /** Stores the maps not stored yet; returns how many were created. */
    int load() {
        IFhirResourceDao<ConceptMap> dao = daos.getResourceDao(ConceptMap.class);
        List<ConceptMap> maps = TerminologyMaps.starterConceptMaps(ctx);
        int created = 0;
        for (ConceptMap map : maps) {
            map.setId((String) null);
            String match = "ConceptMap?url=" + UrlUtil.escapeUrlParam(map.getUrl()) + "&version="
                    + UrlUtil.escapeUrlParam(map.getVersion());
            if (Boolean.TRUE.equals(dao.create(map, match, new SystemRequestDetails()).getCreated())) {
                created++;
            }
        }
        return created;
    }
}
