package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.patientvault.vault.TestBundles;

/**
 * A deleted record is "gone" (410) only to those who owned it: the patient whose compartment held it and the
 * hospital that submitted it. To everyone else it is answered exactly like an id that never existed, so deleting a
 * record does not reveal that it once was there.
 */
class DeletedRecordE2EIT extends E2EBase {

    @Test
    void aDeletedRecordIsGoneOnlyToItsOwners() throws Exception {
        Bundle submitted = TestBundles.checkup(ALICE_RID, 7.1);
        String obs = id(submit("hosp-beijing", submitted), 1);
        assertThat(get("alice", "Observation/" + obs).statusCode()).isEqualTo(200);

        HttpResponse<String> deleted = send(KeycloakTokens.token("hosp-beijing"), "DELETE", "Observation/" + obs,
                null);
        assertThat(deleted.statusCode()).as(deleted.body()).isIn(200, 204);

        for (String owner : List.of("hosp-beijing", "alice")) {
            assertThat(get(owner, "Observation/" + obs).statusCode()).as(owner + " reads the deleted record")
                    .isEqualTo(410);
            assertThat(get(owner, "Observation/" + obs + "/_history/2").statusCode())
                    .as(owner + " vreads the deletion").isIn(404, 410);
        }
        for (String stranger : List.of("bob", "hosp-shanghai", "ai-lab")) {
            for (String suffix : List.of("", "/_history/2")) {
                HttpResponse<String> foreign = get(stranger, "Observation/" + obs + suffix);
                String unknownId = UUID.randomUUID().toString();
                HttpResponse<String> unknown = get(stranger, "Observation/" + unknownId + suffix);
                assertThat(foreign.statusCode()).as(stranger + " " + suffix + ": " + foreign.body())
                        .isEqualTo(unknown.statusCode()).isEqualTo(404);
                assertThat(foreign.body().replace(obs, "ID")).as(stranger + " bodies alike")
                        .isEqualTo(unknown.body().replace(unknownId, "ID"));
            }
        }
    }
}
