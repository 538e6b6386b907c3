package org.patientvault.vault.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.DirectDecrypter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.TestBundles;
import org.patientvault.vault.devissuer.DevIssuerLogin;

/**
 * SMART Health Links on the real vault: alice shares everything; a doctor without any token opens the manifest with
 * the passcode (a wrong one counted), decrypts the file and finds alice's records and none of bob's; the ledger
 * shows the accesses; revoking stops the next one.
 */
class ShareLinkIT extends FhirIT {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private HttpResponse<String> send(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url
                : "http://localhost:" + port + url)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aDoctorOpensAlicesLinkWithThePasscodeUntilSheRevokesIt() throws Exception {
        String base = "http://localhost:" + port;
        String alice = DevIssuerLogin.userToken(base, "alice", "alice-demo");
        String bob = DevIssuerLogin.userToken(base, "bob", "bob-demo");
        String mine = new IdType(client.transaction().withBundle(TestBundles.checkup(ExportIT.ALICE_RID,
                5 + ThreadLocalRandom.current().nextInt(100) / 100.0)).execute().getEntry().get(1).getResponse()
                .getLocation()).getIdPart();
        String bobs = new IdType(client.transaction().withBundle(TestBundles.checkup(ExportIT.BOB_RID, 6.1))
                .execute().getEntry().get(1).getResponse().getLocation()).getIdPart();

        HttpResponse<String> created = send("POST", "/mobile/v1/share-links", alice,
                "{\"what\":\"everything\",\"days\":2,\"passcode\":\"135790\",\"label\":\"Dr. Wang\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode link = json.readTree(created.body());
        JsonNode payload = json.readTree(Base64.getUrlDecoder().decode(link.at("/shlink").asText()
                .substring("shlink:/".length())));
        String url = payload.at("/url").asText();
        assertThat(url).startsWith(base + "/mobile/v1/shl/");

        HttpResponse<String> wrong = send("POST", url, null, "{\"recipient\":\"Dr. Wang\",\"passcode\":\"000000\"}");
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(401);
        assertThat(json.readTree(wrong.body()).at("/remainingAttempts").asInt()).isEqualTo(9);
        HttpResponse<String> right = send("POST", url, null, "{\"recipient\":\"Dr. Wang\",\"passcode\":\"135790\"}");
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
        String location = json.readTree(right.body()).at("/files/0/location").asText();
        HttpResponse<String> file = send("GET", location, null, null);
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Type").orElse("")).startsWith("application/jose");
        JWEObject jwe = JWEObject.parse(file.body());
        jwe.decrypt(new DirectDecrypter(Base64.getUrlDecoder().decode(payload.at("/key").asText())));
        Bundle shared = ctx.newJsonParser().parseResource(Bundle.class, jwe.getPayload().toString());
        assertThat(shared.getEntry().stream().filter(e -> e.getResource() instanceof Observation)
                .map(e -> e.getResource().getIdElement().getIdPart())).contains(mine).doesNotContain(bobs);

        // Bob cannot revoke it, and the accesses are in alice's ledger (not bob's).
        assertThat(send("DELETE", "/mobile/v1/share-links/" + link.at("/id").asText(), bob, null).statusCode())
                .isEqualTo(404);
        JsonNode usage = json.readTree(send("GET", "/mobile/v1/usage?limit=100", alice, null).body());
        int shareEntries = 0;
        for (JsonNode e : usage.at("/entries")) {
            shareEntries += "share-link".equals(e.at("/who/kind").asText()) ? 1 : 0;
        }
        assertThat(shareEntries).isEqualTo(3);
        JsonNode bobUsage = json.readTree(send("GET", "/mobile/v1/usage?limit=100", bob, null).body());
        bobUsage.at("/entries").forEach(e -> assertThat(e.at("/who/kind").asText()).isNotEqualTo("share-link"));

        assertThat(send("DELETE", "/mobile/v1/share-links/" + link.at("/id").asText(), alice, null).statusCode())
                .isEqualTo(204);
        assertThat(send("POST", url, null, "{\"recipient\":\"Dr. Wang\",\"passcode\":\"135790\"}").statusCode())
                .isEqualTo(404);
        assertThat(send("GET", location, null, null).statusCode()).isEqualTo(404);
        // Creating needs a patient: no token is 401, a hospital 403.
        assertThat(send("POST", "/mobile/v1/share-links", null, "{\"passcode\":\"135790\"}").statusCode())
                .isEqualTo(401);
    }
}
