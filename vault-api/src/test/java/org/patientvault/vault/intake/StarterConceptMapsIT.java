package org.patientvault.vault.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ConceptMap;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.terminology.TerminologyMaps;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.devissuer.DevIssuerLogin;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The starter ConceptMaps are published at start-up, once, and read back entry for entry by hospitals and admin;
 * patients have no use for them and are refused.
 */
class StarterConceptMapsIT extends FhirIT {

    @Autowired
    StarterConceptMaps starter;

    private static Bundle byUrl(IGenericClient c, String url) {
        return c.search().forResource(ConceptMap.class).where(ConceptMap.URL.matches().value(url))
                .returnBundle(Bundle.class).execute();
    }

    @Test
    void everyStarterMapIsReadableOnceByHospitalsAndAdminAndRoundTrips() {
        List<ConceptMap> shipped = TerminologyMaps.starterConceptMaps(ctx);
        assertThat(shipped).hasSize(7);
        // Another start (or replica) stores nothing twice.
        assertThat(starter.load()).isZero();
        IGenericClient admin = clientWithToken(DevIssuerLogin.userToken("http://localhost:" + port, "vault-admin",
                "vault-admin-demo"));
        IGenericClient shanghai = clientWithToken(DevIssuerLogin.clientCredentialsToken("http://localhost:" + port,
                "hosp-shanghai", "hosp-shanghai-secret"));
        for (ConceptMap map : shipped) {
            for (IGenericClient reader : List.of(client, shanghai, admin)) {
                Bundle found = byUrl(reader, map.getUrl());
                assertThat(found.getEntry()).as(map.getUrl()).hasSize(1);
                ConceptMap stored = (ConceptMap) found.getEntryFirstRep().getResource();
                assertThat(stored.getVersion()).isEqualTo(map.getVersion());
                assertThat(stored.getGroup()).hasSameSizeAs(map.getGroup());
                for (int g = 0; g < map.getGroup().size(); g++) {
                    // Every entry round-trips: same terms, same LOINC targets and equivalences.
                    assertThat(stored.getGroup().get(g).equalsDeep(map.getGroup().get(g)))
                            .as(map.getUrl() + " group " + g).isTrue();
                }
            }
        }
        // Conformance resources are part of the public directory (docs/security.md): patients may read them too;
        // AI firms read nothing on /fhir but the organisation directory.
        assertThat(byUrl(alice(), shipped.get(0).getUrl()).getEntry()).hasSize(1);
        IGenericClient aiLab = clientWithToken(DevIssuerLogin.clientCredentialsToken("http://localhost:" + port,
                "ai-lab", "ai-lab-secret"));
        assertThatThrownBy(() -> byUrl(aiLab, shipped.get(0).getUrl()))
                .isInstanceOf(BaseServerResponseException.class);
    }
}
