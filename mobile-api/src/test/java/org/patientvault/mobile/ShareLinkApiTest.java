package org.patientvault.mobile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.crypto.DirectDecrypter;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;

/** SMART Health Links on the fake ports: passcode, attempts limit under parallel guesses, JWE, ledger, revoke. */
class ShareLinkApiTest extends ApiTestBase {

    private final ObjectMapper json = new ObjectMapper();

    /** A patient of its own: the access log is process-wide, and other tests count alice's ledger. */
    @org.junit.jupiter.api.BeforeEach
    void ownPatient() {
        vault.patientId = "carol-" + java.util.UUID.randomUUID();
    }

    private MvcResult create(String body, int status) throws Exception {
        return mvc.perform(post("/mobile/v1/share-links").contentType(MediaType.APPLICATION_JSON).content(body)
                .header("Accept-Language", "en")).andExpect(status().is(status)).andReturn();
    }

    private JsonNode payload(String shlink) throws Exception {
        assertThat(shlink).startsWith("shlink:/");
        return json.readTree(Base64.getUrlDecoder().decode(shlink.substring("shlink:/".length())));
    }

    private MvcResult manifest(String url, String passcode) throws Exception {
        String path = URI.create(url).getPath();
        return mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON)
                .content("{\"recipient\":\"Dr. Wang\",\"passcode\":\"" + passcode + "\"}")).andReturn();
    }

    @Test
    void aDoctorWithThePasscodeGetsTheEncryptedRecordUntilRevoked() throws Exception {
        vault.resources.add(glucose("hosp-beijing", "2026-10-01", 7.9, "mmol/L", 3.9, 6.1, 0.9));
        vault.resources.add(glucose("hosp-shanghai", "2026-09-15", 97, "mg/dL", null, null, null));
        JsonNode link = json.readTree(create("{\"what\":\"everything\",\"days\":3,\"passcode\":\"246810\","
                + "\"label\":\"给王医生\"}", 201).getResponse().getContentAsByteArray());
        JsonNode p = payload(link.at("/shlink").asText());
        assertThat(p.at("/flag").asText()).isEqualTo("P");
        assertThat(p.at("/v").asInt()).isEqualTo(1);
        assertThat(p.at("/label").asText()).isEqualTo("给王医生");
        assertThat(Base64.getUrlDecoder().decode(p.at("/key").asText())).hasSize(32);
        assertThat(p.at("/exp").asLong()).isGreaterThan(System.currentTimeMillis() / 1000 + 2 * 86400);
        String url = p.at("/url").asText();
        String qr = link.at("/qrPng").asText();
        assertThat(qr).startsWith("data:image/png;base64,");
        java.nio.file.Path png = java.nio.file.Files.createTempFile("shl", ".png");
        try {
            java.nio.file.Files.write(png, Base64.getDecoder().decode(qr.substring("data:image/png;base64,".length())));
            Process zbar = new ProcessBuilder("zbarimg", "--raw", "-q", png.toString()).start();
            String read = new String(zbar.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(zbar.waitFor()).isZero();
            assertThat(read.strip()).as("the QR code holds the link").isEqualTo(link.at("/shlink").asText());
        } finally {
            java.nio.file.Files.deleteIfExists(png);
        }

        MvcResult wrong = manifest(url, "000000");
        assertThat(wrong.getResponse().getStatus()).isEqualTo(401);
        assertThat(json.readTree(wrong.getResponse().getContentAsByteArray()).at("/remainingAttempts").asInt())
                .isEqualTo(9);
        MvcResult right = manifest(url, "246810");
        assertThat(right.getResponse().getStatus()).isEqualTo(200);
        JsonNode file = json.readTree(right.getResponse().getContentAsByteArray()).at("/files/0");
        assertThat(file.at("/contentType").asText()).isEqualTo("application/fhir+json");
        String location = URI.create(file.at("/location").asText()).getPath();
        String jwe = mvc.perform(get(location)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
        JWEObject parsed = JWEObject.parse(jwe);
        assertThat(parsed.getHeader().getAlgorithm().getName()).isEqualTo("dir");
        assertThat(parsed.getHeader().getEncryptionMethod().getName()).isEqualTo("A256GCM");
        parsed.decrypt(new DirectDecrypter(Base64.getUrlDecoder().decode(p.at("/key").asText())));
        Bundle shared = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser()
                .parseResource(Bundle.class, parsed.getPayload().toString());
        assertThat(shared.getEntry().stream().filter(e -> e.getResource() instanceof Observation)).hasSize(2);

        JsonNode usage = json.readTree(mvc.perform(get("/mobile/v1/usage").header("Accept-Language", "en"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray());
        List<String> shareActions = new ArrayList<>();
        usage.at("/entries").forEach(e -> {
            if ("share-link".equals(e.at("/who/kind").asText())) {
                shareActions.add(e.at("/action").asText() + ":" + e.at("/outcome").asText());
            }
        });
        assertThat(shareActions).containsExactly("share-file:success", "share-manifest:success",
                "share-manifest:denied");

        String carol = vault.patientId;
        vault.patientId = "bob";
        mvc.perform(delete("/mobile/v1/share-links/" + link.at("/id").asText())).andExpect(status().isNotFound());
        vault.patientId = carol;
        assertThat(manifest(url, "246810").getResponse().getStatus()).as("bob could not revoke it").isEqualTo(200);
        mvc.perform(delete("/mobile/v1/share-links/" + link.at("/id").asText())).andExpect(status().isNoContent());
        assertThat(manifest(url, "246810").getResponse().getStatus()).isEqualTo(404);
        mvc.perform(get(location)).andExpect(status().isNotFound());
    }

    @Test
    void parallelWrongPasscodesCannotExceedTheLifetimeLimit() throws Exception {
        JsonNode link = json.readTree(create("{\"passcode\":\"correct-horse\"}", 201).getResponse()
                .getContentAsByteArray());
        String url = payload(link.at("/shlink").asText()).at("/url").asText();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                answers.add(pool.submit(() -> manifest(url, "wrong-guess").getResponse().getStatus()));
            }
            int unauthorized = 0;
            int gone = 0;
            for (Future<Integer> f : answers) {
                int s = f.get();
                unauthorized += s == 401 ? 1 : 0;
                gone += s == 404 ? 1 : 0;
            }
            assertThat(unauthorized).isEqualTo(10);
            assertThat(gone).isEqualTo(30);
        } finally {
            pool.shutdownNow();
        }
        assertThat(manifest(url, "correct-horse").getResponse().getStatus()).as("exhausted: dead for good")
                .isEqualTo(404);
    }

    @Test
    void badTermsAreProblemsAndMakeNoLink() throws Exception {
        JsonNode noPasscode = json.readTree(create("{\"what\":\"everything\"}", 422).getResponse()
                .getContentAsByteArray());
        assertThat(noPasscode.at("/errors/passcode").isMissingNode()).isFalse();
        create("{\"passcode\":\"123456\",\"days\":0}", 422);
        create("{\"passcode\":\"123456\",\"what\":\"selected\"}", 422);
        create("{\"passcode\":\"123456\",\"what\":\"selected\",\"studies\":[\"1.2.999\"]}", 404);
        create("{\"passcode\":", 400);
        mvc.perform(post("/mobile/v1/shl/unknown").contentType(MediaType.APPLICATION_JSON)
                .content("{\"recipient\":\"x\",\"passcode\":\"123456\"}")).andExpect(status().isNotFound());
        mvc.perform(post("/mobile/v1/shl/unknown").contentType(MediaType.APPLICATION_JSON)
                .content("{\"passcode\":\"123456\"}")).andExpect(status().isBadRequest());
        mvc.perform(get("/mobile/v1/shl/files/unknown")).andExpect(status().isNotFound());
        assertThat(vault.writes).isEmpty();
    }
}
