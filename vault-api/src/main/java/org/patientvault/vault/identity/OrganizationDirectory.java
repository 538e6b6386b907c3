package org.patientvault.vault.identity;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.util.UrlUtil;
import java.io.IOException;
import java.io.InputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.patientvault.mapping.IdentitySystems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

/**
 * The directory of organisations patients can share with and hospitals can look up: the Organizations named in
 * {@code vault.directory.seed} (default {@code classpath:directory/organizations.json}, a FHIR collection Bundle with
 * each organisation's {@code sid/org} identifier, name in Chinese, English alias, city and kind), stored as the
 * system at every start. An organisation not in the seed still gets a minimal entry the first time its token is used
 * ({@link AccountLinker#organizationFor}).
 *
 * <p>Idempotent across restarts and replicas: each entry is a conditional create on its {@code sid/org} identifier,
 * so an entry already stored (perhaps edited by an admin) is left alone, except that a minimal entry (its name is
 * just its code) is completed from the seed. Cost: one indexed search per organisation.
 */
@Component
class OrganizationDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(OrganizationDirectory.class);

    private final DaoRegistry daos;
    private final FhirContext ctx;
    private final Resource seed;

    OrganizationDirectory(DaoRegistry daos, FhirContext ctx,
                          @Value("${vault.directory.seed:classpath:directory/organizations.json}") Resource seed) {
        this.daos = daos;
        this.ctx = ctx;
        this.seed = seed;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        try {
            LOG.info("organisation directory: {} new or completed", load());
        } catch (IOException | RuntimeException e) {
            // The vault still serves; organisations then appear with minimal entries as their tokens are used.
            LOG.error("organisation directory could not be seeded from {}: {}", seed, e.getClass().getName(), e);
        }
    }

    int load() throws IOException {
        Bundle bundle;
        try (InputStream in = seed.getInputStream()) {
            bundle = ctx.newJsonParser().parseResource(Bundle.class, in);
        }
        IFhirResourceDao<Organization> dao = daos.getResourceDao(Organization.class);
        int changed = 0;
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (!(e.getResource() instanceof Organization org)) {
                continue;
            }
            String code = org.getIdentifier().stream().filter(i -> IdentitySystems.ORGANIZATION.equals(i.getSystem()))
                    .map(Identifier::getValue).findFirst().orElse(null);
            if (code == null) {
                LOG.warn("organisation directory: an entry without a {} identifier is skipped",
                        IdentitySystems.ORGANIZATION);
                continue;
            }
            org.setId((String) null);
            String match = "Organization?identifier=" + UrlUtil.escapeUrlParam(IdentitySystems.ORGANIZATION + "|"
                    + code);
            var outcome = dao.create(org, match, new SystemRequestDetails());
            if (Boolean.TRUE.equals(outcome.getCreated())) {
                changed++;
            } else {
                Organization stored = dao.read(outcome.getId().toUnqualifiedVersionless(), new SystemRequestDetails());
                if (code.equals(stored.getName())) {
                    org.setId(stored.getIdElement().toUnqualifiedVersionless());
                    dao.update(org, new SystemRequestDetails());
                    changed++;
                }
            }
        }
        return changed;
    }
}
