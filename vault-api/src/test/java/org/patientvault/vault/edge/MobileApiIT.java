package org.patientvault.vault.edge;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.TestBundles;
import org.patientvault.vault.devissuer.DevIssuerLogin;

/**
 * The patient API on the real vault (PostgreSQL, the guarded /fhir path, dev-issuer tokens): alice walks through
 * me, timeline, trend and studies with records from two hospitals, and bob's records never appear in her answers —
 * neither as items nor in any count.
 */
class MobileApiIT extends FhirIT {

    static final String ALICE_RID = "110101198503120025";
    static final String BOB_RID = "310104197809210017";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private ca.uhn.fhir.rest.client.api.IGenericClient shanghaiClient;
    private String aliceToken;
    private String bobToken;
    private String aliceId;
    private String bobMarker;
    private String bobObservation;
    private String beijingObservation;
    private String shanghaiObservation;
    private String undatedObservation;

    @BeforeEach
    void twoHospitalsSubmit() {
        String base = "http://localhost:" + port;
        aliceToken = DevIssuerLogin.userToken(base, "alice", "alice-demo");
        bobToken = DevIssuerLogin.userToken(base, "bob", "bob-demo");
        // Unique values, so this test's records are told apart from other tests' in the shared database.
        double beijing = 5.0 + ThreadLocalRandom.current().nextInt(1000) / 1000.0;
        beijingObservation = submitted(client.transaction().withBundle(TestBundles.checkup(ALICE_RID, beijing))
                .execute());
        Bundle shanghai = TestBundles.checkup(ALICE_RID, 0);
        Observation mgdl = (Observation) shanghai.getEntry().get(1).getResource();
        mgdl.setValue(new Quantity().setValue(97).setUnit("mg/dL").setSystem("http://unitsofmeasure.org")
                .setCode("mg/dL"));
        mgdl.setEffective(new DateTimeType("2026-09-15"));
        shanghaiClient = clientWithToken(DevIssuerLogin.clientCredentialsToken(base, "hosp-shanghai",
                "hosp-shanghai-secret"));
        shanghaiObservation = submitted(shanghaiClient.transaction().withBundle(shanghai).execute());
        bobMarker = "7." + (100 + ThreadLocalRandom.current().nextInt(800)) + "1";
        bobObservation = submitted(shanghaiClient.transaction().withBundle(TestBundles.checkup(BOB_RID,
                Double.parseDouble(bobMarker))).execute());
        aliceId = ownPatient(aliceToken);
        Bundle undated = TestBundles.checkup(ALICE_RID, 5.5);
        ((Observation) undated.getEntry().get(1).getResource()).setEffective(null);
        undatedObservation = submitted(client.transaction().withBundle(undated).execute());
    }

    private static String submitted(Bundle response) {
        return new IdType(response.getEntry().get(1).getResponse().getLocation()).getIdPart();
    }

    private String ownPatient(String token) {
        Bundle b = clientWithToken(token).search().forResource(Patient.class).returnBundle(Bundle.class).execute();
        return b.getEntryFirstRep().getResource().getIdElement().getIdPart();
    }

    private HttpResponse<String> call(String method, String path, String token, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String path, String token, String... headers) throws Exception {
        HttpResponse<String> r = call("GET", path, token, null, headers);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private List<String> ids(JsonNode timeline) {
        List<String> out = new ArrayList<>();
        timeline.at("/days").forEach(d -> d.at("/items").forEach(i -> out.add(i.at("/id").asText())));
        return out;
    }

    /** Every timeline item of the caller, page by page. */
    private List<String> wholeTimeline(String token, String query) throws Exception {
        return wholeTimeline(token, query, 100);
    }

    private List<String> wholeTimeline(String token, String query, int limit) throws Exception {
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = ok("/mobile/v1/timeline?limit=" + limit + query
                    + (cursor == null ? "" : "&cursor=" + cursor), token);
            all.addAll(ids(page));
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return all;
    }

    private int systemCount(Class<? extends org.hl7.fhir.instance.model.api.IBaseResource> type, String param,
                            String patient) {
        Integer n = daos.getResourceDao(type).search(SearchParameterMap.newSynchronous(param,
                new ReferenceParam("Patient/" + patient)), new SystemRequestDetails()).size();
        return n == null ? 0 : n;
    }

    @Test
    void aliceSeesBothHospitalsRecordsInOneTimelineAndNothingOfBobs() throws Exception {
        JsonNode first = ok("/mobile/v1/timeline?limit=100", aliceToken, "Accept-Language", "en");
        List<String> all = wholeTimeline(aliceToken, "");
        assertThat(all).contains("Observation/" + beijingObservation, "Observation/" + shanghaiObservation)
                .doesNotContain("Observation/" + bobObservation).doesNotHaveDuplicates();
        // The count is hers exactly: what the vault stores in her compartment, nothing of bob's.
        int stored = systemCount(Observation.class, "subject", aliceId)
                + systemCount(org.hl7.fhir.r4.model.ImagingStudy.class, "subject", aliceId)
                + systemCount(org.hl7.fhir.r4.model.DiagnosticReport.class, "subject", aliceId);
        assertThat(first.at("/total").asInt()).isEqualTo(stored).isEqualTo(all.size());
        // Small pages walk the same list: the cursor becomes a date bound of sorted FHIR searches, records of one
        // instant are ordered by id, and a record without a clinical date is placed by when it was stored.
        assertThat(all).contains("Observation/" + undatedObservation);
        assertThat(wholeTimeline(aliceToken, "", 1)).containsExactlyElementsOf(all);
        assertThat(wholeTimeline(aliceToken, "", 3)).containsExactlyElementsOf(all);

        JsonNode shanghaiOnly = ok("/mobile/v1/timeline?limit=100&hospital=hosp-shanghai", aliceToken,
                "Accept-Language", "en");
        assertThat(ids(shanghaiOnly)).contains("Observation/" + shanghaiObservation)
                .doesNotContain("Observation/" + beijingObservation);
        shanghaiOnly.at("/days").forEach(d -> d.at("/items").forEach(i ->
                assertThat(i.at("/hospital/id").asText()).isEqualTo("hosp-shanghai")));
        JsonNode item = null;
        for (JsonNode d : first.at("/days")) {
            for (JsonNode i : d.at("/items")) {
                if (i.at("/id").asText().equals("Observation/" + beijingObservation)) {
                    item = i;
                }
            }
        }
        assertThat(item).isNotNull();
        assertThat(item.at("/hospital/name").asText()).isEqualTo("Beijing hospital (demo)");
        assertThat(item.at("/title").asText()).isEqualTo("Fasting glucose");
        assertThat(item.at("/quality/words").asText()).isNotBlank();
        assertThat(item.at("/submittedAt").asText()).isNotBlank();

        // bob's own timeline has his record and none of hers; nothing of his in any of her answers.
        List<String> bobs = wholeTimeline(bobToken, "");
        assertThat(bobs).contains("Observation/" + bobObservation)
                .doesNotContain("Observation/" + beijingObservation, "Observation/" + shanghaiObservation);
        for (String path : List.of("/mobile/v1/timeline?limit=100", "/mobile/v1/labs/1558-6/trend",
                "/mobile/v1/studies", "/mobile/v1/me")) {
            String body = call("GET", path, aliceToken, null).body();
            assertThat(body).as(path).doesNotContain(bobObservation).doesNotContain(bobMarker);
        }
    }

    @Test
    void theTrendNormalisesBothHospitalsUnitsAndKeepsTheOriginals() throws Exception {
        JsonNode trend = ok("/mobile/v1/labs/1558-6/trend", aliceToken, "Accept-Language", "zh-CN");
        assertThat(trend.at("/unit").asText()).isEqualTo("mg/dL");
        assertThat(trend.at("/name").asText()).isEqualTo("空腹血糖");
        JsonNode beijing = null;
        JsonNode shanghai = null;
        for (JsonNode p : trend.at("/points")) {
            if (p.at("/id").asText().endsWith(beijingObservation)) {
                beijing = p;
            }
            if (p.at("/id").asText().endsWith(shanghaiObservation)) {
                shanghai = p;
            }
        }
        assertThat(beijing).isNotNull();
        assertThat(shanghai).isNotNull();
        assertThat(beijing.at("/original/unit").asText()).isEqualTo("mmol/L");
        assertThat(beijing.at("/value").asDouble()).isBetween(beijing.at("/original/value").asDouble() * 17.9,
                beijing.at("/original/value").asDouble() * 18.1);
        assertThat(shanghai.at("/value").decimalValue()).isEqualByComparingTo("97");
        assertThat(shanghai.at("/hospital/name").asText()).isEqualTo("上海医院（演示）");
        int stored = daos.getResourceDao(Observation.class).search(SearchParameterMap.newSynchronous("subject",
                        new ReferenceParam("Patient/" + aliceId)).add("code",
                        new ca.uhn.fhir.rest.param.TokenParam("http://loinc.org", "1558-6")),
                new SystemRequestDetails()).size();
        assertThat(trend.at("/points").size()).isEqualTo(stored);
    }

    @Test
    void meStudiesAndTheHttpConventions() throws Exception {
        JsonNode me = ok("/mobile/v1/me", aliceToken);
        assertThat(me.at("/patientId").asText()).isEqualTo(aliceId);
        List<String> hospitals = new ArrayList<>();
        me.at("/hospitals").forEach(h -> hospitals.add(h.at("/hospital/id").asText()));
        assertThat(hospitals).contains("hosp-beijing", "hosp-shanghai");

        JsonNode studies = ok("/mobile/v1/studies", aliceToken);
        assertThat(studies.at("/total").asInt())
                .isEqualTo(systemCount(org.hl7.fhir.r4.model.ImagingStudy.class, "subject", aliceId));

        HttpResponse<String> first = call("GET", "/mobile/v1/me", aliceToken, null);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(call("GET", "/mobile/v1/me", aliceToken, null, "If-None-Match", etag).statusCode())
                .isEqualTo(304);
        // The same URL for bob is another body: his ETag does not match hers.
        assertThat(call("GET", "/mobile/v1/me", bobToken, null, "If-None-Match", etag).statusCode())
                .isEqualTo(200);

        HttpResponse<String> anonymous = call("GET", "/mobile/v1/timeline", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> hospital = call("GET", "/mobile/v1/timeline", hospitalToken, null);
        assertThat(hospital.statusCode()).isEqualTo(403);
        assertThat(hospital.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(hospital.body()).contains("Only patients");

        HttpResponse<String> bad = call("GET", "/mobile/v1/timeline?cursor=zz", aliceToken, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        HttpResponse<String> unknownCandidate = call("POST", "/mobile/v1/me/claim-candidates/"
                + UUID.randomUUID() + "/accept", aliceToken, null);
        assertThat(unknownCandidate.statusCode()).isEqualTo(404);
        // bob's own Patient offered as alice's candidate: the same 404 as an unknown id.
        HttpResponse<String> foreign = call("POST", "/mobile/v1/me/claim-candidates/" + ownPatient(bobToken)
                + "/accept", aliceToken, null);
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(json.readTree(foreign.body()).at("/detail").asText().replace(ownPatient(bobToken), "X"))
                .isEqualTo(json.readTree(unknownCandidate.body()).at("/detail").asText()
                        .replaceAll("[0-9a-f\\-]{36}", "X"));

        HttpResponse<String> noRoute = call("GET", "/mobile/v1/no-such-route", aliceToken, null);
        assertThat(noRoute.statusCode()).isEqualTo(404);
        assertThat(noRoute.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        HttpResponse<String> wrongMethod = call("DELETE", "/mobile/v1/timeline", aliceToken, null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Content-Type").orElse("")).contains("problem+json");

        HttpResponse<String> spec = call("GET", "/mobile/v1/openapi.json", null, null);
        assertThat(spec.statusCode()).isEqualTo(200);
        assertThat(spec.body()).contains("/mobile/v1/timeline").doesNotContain("/fhir");
    }

    private int fhirStatus(ca.uhn.fhir.rest.client.api.IGenericClient c, String type, String id) {
        try {
            c.read().resource(type).withId(id).execute();
            return 200;
        } catch (ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException e) {
            return e.getStatusCode();
        }
    }

    @Test
    void aliceSharesWithAClinicSeesItInHerUsageAndRevokesItAndBobCannotTouchIt() throws Exception {
        String base = "http://localhost:" + port;
        ca.uhn.fhir.rest.client.api.IGenericClient rural = clientWithToken(
                DevIssuerLogin.clientCredentialsToken(base, "clinic-rural", "clinic-rural-secret"));
        assertThat(fhirStatus(rural, "Observation", beijingObservation)).as("before any consent").isEqualTo(404);
        int consentsBefore = systemCount(org.hl7.fhir.r4.model.Consent.class, "patient", aliceId);

        // Bad input changes nothing.
        assertThat(call("POST", "/mobile/v1/consents", aliceToken, "{\"kind\":").statusCode()).isEqualTo(400);
        HttpResponse<String> unknownHospital = call("POST", "/mobile/v1/consents", aliceToken,
                "{\"kind\":\"share\",\"hospital\":\"no-such-hospital\",\"days\":3}");
        assertThat(unknownHospital.statusCode()).isEqualTo(422);
        assertThat(unknownHospital.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertThat(systemCount(org.hl7.fhir.r4.model.Consent.class, "patient", aliceId)).isEqualTo(consentsBefore);

        HttpResponse<String> created = call("POST", "/mobile/v1/consents", aliceToken,
                "{\"kind\":\"share\",\"hospital\":\"clinic-rural\",\"days\":30}", "Accept-Language", "en");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode consent = json.readTree(created.body());
        String consentId = consent.at("/id").asText();
        assertThat(created.headers().firstValue("Location").orElseThrow()).endsWith("/mobile/v1/consents/" + consentId);
        assertThat(consent.at("/explanation").asText()).contains("Rural clinic (demo)", "treatment");
        assertThat(systemCount(org.hl7.fhir.r4.model.Consent.class, "patient", aliceId))
                .isEqualTo(consentsBefore + 1);

        // The consent module enforces it: the clinic now reads alice's Beijing record, and the read is in her ledger.
        assertThat(fhirStatus(rural, "Observation", beijingObservation)).isEqualTo(200);
        JsonNode usage = ok("/mobile/v1/usage?limit=100", aliceToken, "Accept-Language", "en");
        boolean seen = false;
        for (JsonNode e : usage.at("/entries")) {
            assertThat(e.at("/who/kind").asText()).isNotEqualTo("patient");
            if ("clinic-rural".equals(e.at("/who/organization/id").asText())
                    && e.toString().contains("Observation")) {
                seen = true;
                assertThat(e.at("/purpose").asText()).isEqualTo("treatment");
            }
        }
        assertThat(seen).as("the clinic's read in alice's usage: " + usage).isTrue();
        // bob's ledger has nothing about alice's record, his consents list nothing of hers.
        String bobUsage = call("GET", "/mobile/v1/usage?limit=100", bobToken, null).body();
        assertThat(bobUsage).doesNotContain(beijingObservation);
        assertThat(ok("/mobile/v1/consents", bobToken).toString()).doesNotContain(consentId);

        // bob revoking alice's consent: the same 404 as an unknown id, and nothing changes.
        HttpResponse<String> foreign = call("POST", "/mobile/v1/consents/" + consentId + "/revoke", bobToken, null);
        HttpResponse<String> unknown = call("POST", "/mobile/v1/consents/" + UUID.randomUUID() + "/revoke", bobToken,
                null);
        assertThat(foreign.statusCode()).isEqualTo(404).isEqualTo(unknown.statusCode());
        assertThat(json.readTree(foreign.body()).at("/detail").asText().replace(consentId, "X"))
                .isEqualTo(json.readTree(unknown.body()).at("/detail").asText().replaceAll("[0-9a-f\\-]{36}", "X"));
        assertThat(fhirStatus(rural, "Observation", beijingObservation)).isEqualTo(200);

        // alice revokes: the very next request of the clinic is refused.
        HttpResponse<String> revoked = call("POST", "/mobile/v1/consents/" + consentId + "/revoke", aliceToken, null);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json.readTree(revoked.body()).at("/status").asText()).isEqualTo("revoked");
        assertThat(fhirStatus(rural, "Observation", beijingObservation)).isEqualTo(404);
        JsonNode mine = ok("/mobile/v1/consents", aliceToken);
        boolean listed = false;
        for (JsonNode c : mine.at("/consents")) {
            if (c.at("/id").asText().equals(consentId)) {
                listed = true;
                assertThat(c.at("/status").asText()).isEqualTo("revoked");
            }
        }
        assertThat(listed).isTrue();
    }
}
