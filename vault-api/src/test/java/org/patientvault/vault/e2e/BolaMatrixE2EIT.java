package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * BOLA matrix: every caller against every route that could reach alice's records. One line per route and one per
 * caller; every cell asserts that no foreign data appears, and on routes naming one resource, that a foreign id and a
 * non-existent id are answered alike.
 */
class BolaMatrixE2EIT extends E2EBase {

    /** What a caller should get of alice's records. */
    enum Sees { ALL, NOTHING, UNAUTHENTICATED }

    /** A caller and what it may see of alice's records, submitted by hosp-beijing. */
    record Caller(String name, Sees sees) {
    }

    /**
     * A route. {@code path} builds the request path from the ids; {@code target} is the id that must appear when the
     * caller may see it; {@code instance} marks routes naming one resource (foreign and unknown answered alike).
     */
    record Route(String name, String method, Function<World, String> path, Function<World, String> body,
                 Function<World, String> target, boolean instance, Set<String> notOfferedTo) {
        static Route get(String name, Function<World, String> path, Function<World, String> target,
                         boolean instance) {
            return new Route(name, "GET", path, w -> null, target, instance, Set.of());
        }

        /**
         * Callers who may see alice's records but to whom this route is not offered (yet); for them the cell asserts
         * a clean refusal and no leak, not access.
         */
        Route notOfferedTo(String... callers) {
            return new Route(name, method, path, body, target, instance, Set.of(callers));
        }
    }

    static final List<Caller> CALLERS = List.of(
            new Caller("alice", Sees.ALL),
            new Caller("hosp-beijing", Sees.ALL),
            new Caller("bob", Sees.NOTHING),
            new Caller("hosp-shanghai", Sees.NOTHING),
            new Caller("ai-lab", Sees.NOTHING),
            new Caller("no token", Sees.UNAUTHENTICATED),
            new Caller("expired token", Sees.UNAUTHENTICATED),
            new Caller("wrong audience", Sees.UNAUTHENTICATED),
            new Caller("signed by another key", Sees.UNAUTHENTICATED));

    static final List<Route> ROUTES = List.of(
            Route.get("read", w -> "Observation/" + w.aliceObs(), World::aliceObs, true),
            Route.get("vread", w -> "Observation/" + w.aliceObs() + "/_history/1", World::aliceObs, true),
            Route.get("read patient", w -> "Patient/" + w.alicePatient(), World::alicePatient, true),
            Route.get("type search", w -> "Observation?code=http://loinc.org|1558-6", World::aliceObs, false),
            Route.get("search by _id", w -> "Observation?_id=" + w.aliceObs(), World::aliceObs, false),
            Route.get("_include", w -> "Observation?_id=" + w.aliceObs() + "&_include=Observation:subject",
                    World::alicePatient, false),
            Route.get("_revinclude", w -> "Patient?_id=" + w.alicePatient() + "&_revinclude=Observation:subject",
                    World::aliceObs, false),
            // _has and chains evaluate records beyond the ones returned: refused for everyone (docs/security.md).
            Route.get("_has", w -> "Patient?_has:Observation:subject:code=http://loinc.org|1558-6",
                    World::alicePatient, false).notOfferedTo("alice", "hosp-beijing"),
            Route.get("chained subject.name", w -> "Observation?subject.name=Test", World::aliceObs, false)
                    .notOfferedTo("alice", "hosp-beijing"),
            Route.get("chained subject:Patient.identifier", w -> "Observation?subject:Patient.identifier="
                    + "https://patientvault.org/fhir/sid/cn-resident-id|" + ALICE_RID, World::aliceObs, false)
                    .notOfferedTo("alice", "hosp-beijing"),
            // $everything is the patient's own export; hospitals read record by record under consent.
            Route.get("$everything", w -> "Patient/" + w.alicePatient() + "/$everything", World::aliceObs, true)
                    .notOfferedTo("hosp-beijing"),
            // HAPI's rule engine offers history to patients only through whole-server read rules, which a patient
            // never gets: history is refused to them, never widened.
            Route.get("history instance", w -> "Observation/" + w.aliceObs() + "/_history", World::aliceObs, true)
                    .notOfferedTo("alice"),
            Route.get("history type", w -> "Observation/_history", World::aliceObs, false)
                    .notOfferedTo("alice", "hosp-beijing"),
            Route.get("history system", w -> "_history", World::aliceObs, false)
                    .notOfferedTo("alice", "hosp-beijing"),
            // Counts cannot be filtered per resource, so HAPI refuses them while consent filtering is on.
            Route.get("_summary=count", w -> "Observation?subject=Patient/" + w.alicePatient() + "&_summary=count",
                    w -> "\"total\":2", false).notOfferedTo("alice", "hosp-beijing"),
            // Reads inside a Bundle are offered to nobody: reads go through the read and search routes.
            new Route("batch reading foreign ids", "POST", w -> "",
                    w -> "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":["
                            + "{\"request\":{\"method\":\"GET\",\"url\":\"Observation/" + w.aliceObs() + "\"}},"
                            + "{\"request\":{\"method\":\"GET\",\"url\":\"Patient/" + w.alicePatient() + "\"}}]}",
                    World::aliceObs, false, Set.of("alice", "hosp-beijing")),
            new Route("transaction reading foreign ids", "POST", w -> "",
                    w -> "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
                            + "{\"request\":{\"method\":\"GET\",\"url\":\"Observation/" + w.aliceObs() + "\"}}]}",
                    World::aliceObs, false, Set.of("alice", "hosp-beijing")),
            // alice's Binary, created inside hosp-beijing's submitted transaction (securityContext = her Patient
            // entry by urn:uuid): readable by alice and hosp-beijing, hidden from everyone else.
            Route.get("Binary read", w -> "Binary/" + w.aliceBinary(), World::aliceBinary, true),
            // DICOMweb (imaging): who may read is decided by the caller's own FHIR search for the ImagingStudy.
            Route.get("dicomweb study", w -> "/dicomweb/studies/" + w.aliceStudy(), w -> w.aliceStudy() + ".1.1",
                    true),
            Route.get("dicomweb series", w -> "/dicomweb/studies/" + w.aliceStudy() + "/series/" + w.aliceStudy()
                    + ".1", w -> w.aliceStudy() + ".1.1", true),
            Route.get("dicomweb instance", w -> "/dicomweb/studies/" + w.aliceStudy() + "/series/" + w.aliceStudy()
                    + ".1/instances/" + w.aliceStudy() + ".1.1", w -> w.aliceStudy() + ".1.1", true),
            Route.get("dicomweb metadata", w -> "/dicomweb/studies/" + w.aliceStudy() + "/metadata",
                    w -> w.aliceStudy() + ".1.1", true),
            // A PNG: its signature is the one text a permitted caller can be told apart by.
            Route.get("dicomweb rendered", w -> "/dicomweb/studies/" + w.aliceStudy() + "/series/"
                    + w.aliceStudy() + ".1/rendered", w -> "PNG", true));

    @Test
    void noCallerSeesWhatIsNotTheirs() throws Exception {
        Map<String, String> tokens = tokens();
        List<String> failures = new ArrayList<>();
        for (Caller caller : CALLERS) {
            for (Route route : ROUTES) {
                try {
                    check(caller, route, tokens.get(caller.name()));
                } catch (AssertionError e) {
                    failures.add(caller.name() + " × " + route.name() + ": " + e.getMessage().strip());
                }
            }
        }
        assertThat(failures).as("matrix cells that failed").isEmpty();
    }

    @Test
    void aPagingLinkIsNoKeyToSomeoneElsesResults() throws Exception {
        HttpResponse<String> first = get("alice", "Observation?_count=1");
        assertThat(first.statusCode()).isEqualTo(200);
        Bundle page = ctx.newJsonParser().parseResource(Bundle.class, first.body());
        String next = page.getLink("next").getUrl().replaceFirst("^https?://[^/]+/fhir/",
                "http://localhost:" + port + "/fhir/");
        for (String other : List.of("bob", "hosp-shanghai", "ai-lab")) {
            HttpResponse<String> r = send(KeycloakTokens.token(other), "GET", next, null);
            assertHidden(r, other + " following alice's next link", next);
        }
        assertThat(get("alice", next).body()).containsAnyOf(world.aliceObs(), world.aliceObs2());
    }

    @Test
    void aConditionalUpdateCannotMoveARecordIntoAnotherCompartment() throws Exception {
        for (String caller : List.of("alice", "bob", "hosp-shanghai", "hosp-beijing", "ai-lab")) {
            Observation moved = org.patientvault.vault.TestBundles.glucose("Patient/" + world.bobPatient(), 9.9);
            HttpResponse<String> r = send(KeycloakTokens.token(caller), "PUT",
                    "Observation?_id=" + world.aliceObs(), ctx.newJsonParser().encodeResourceToString(moved));
            assertThat(r.statusCode()).as(caller + ": " + r.body()).isBetween(400, 499);
            assertThat(r.body()).doesNotContain(world.alicePatient());
        }
        HttpResponse<String> still = get("alice", "Observation/" + world.aliceObs());
        assertThat(still.statusCode()).isEqualTo(200);
        assertThat(still.body()).contains("Patient/" + world.alicePatient()).contains("5.4");
    }

    /**
     * A write verb aimed at one of alice's records. {@code path} and {@code body} take the id to aim at (alice's, or
     * an unknown one); {@code type} is the record's type.
     */
    record Write(String name, String method, String type, Function<String, String> path,
                 Function<String, String> body, String contentType, String... headers) {
    }

    static final String OBS_JSON = "{\"resourceType\":\"Observation\",\"id\":\"%s\",\"status\":\"final\","
            + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"1558-6\"}]},"
            + "\"valueQuantity\":{\"value\":1.0,\"unit\":\"mmol/L\"}}";

    static final List<Write> WRITES = List.of(
            new Write("update", "PUT", "Observation", id -> "Observation/" + id, OBS_JSON::formatted, null),
            new Write("conditional update", "PUT", "Observation", id -> "Observation?_id=" + id,
                    id -> OBS_JSON.formatted(id).replace("\"id\":\"" + id + "\",", ""), null),
            new Write("JSON Patch", "PATCH", "Observation", id -> "Observation/" + id,
                    id -> "[{\"op\":\"copy\",\"from\":\"/valueQuantity/value\",\"path\":\"/status\"}]",
                    "application/json-patch+json"),
            new Write("JSON Patch test oracle", "PATCH", "Observation", id -> "Observation/" + id,
                    id -> "[{\"op\":\"test\",\"path\":\"/valueQuantity/value\",\"value\":5.4}]",
                    "application/json-patch+json"),
            new Write("FHIRPath Patch", "PATCH", "Observation", id -> "Observation/" + id,
                    id -> "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
                            + "{\"name\":\"type\",\"valueCode\":\"replace\"},{\"name\":\"path\",\"valueString\":"
                            + "\"Observation.status\"},{\"name\":\"value\",\"valueCode\":\"amended\"}]}]}", null),
            new Write("conditional patch", "PATCH", "Patient", id -> "Patient?_id=" + id,
                    id -> "[{\"op\":\"copy\",\"from\":\"/name/0/family\",\"path\":\"/gender\"}]",
                    "application/json-patch+json"),
            new Write("delete", "DELETE", "Observation", id -> "Observation/" + id, id -> null, null),
            new Write("conditional delete", "DELETE", "Observation", id -> "Observation?_id=" + id, id -> null, null),
            new Write("conditional create", "POST", "Observation", id -> "Observation",
                    id -> OBS_JSON.formatted(id).replace("\"id\":\"" + id + "\",", ""), null,
                    "If-None-Exist", "_id=%s"),
            new Write("$validate", "POST", "Observation", id -> "Observation/" + id + "/$validate",
                    id -> "{\"resourceType\":\"Parameters\"}", null),
            new Write("$meta", "GET", "Observation", id -> "Observation/" + id + "/$meta", id -> null, null),
            new Write("$meta-add", "POST", "Observation", id -> "Observation/" + id + "/$meta-add",
                    id -> "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"meta\",\"valueMeta\":"
                            + "{\"tag\":[{\"system\":\"x\",\"code\":\"y\"}]}}]}", null),
            new Write("history", "GET", "Observation", id -> "Observation/" + id + "/_history", id -> null, null),
            new Write("vread", "GET", "Observation", id -> "Observation/" + id + "/_history/1", id -> null, null),
            new Write("patient update", "PUT", "Patient", id -> "Patient/" + id,
                    id -> "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"gender\":\"male\"}", null),
            new Write("patient delete", "DELETE", "Patient", id -> "Patient/" + id, id -> null, null));

    /**
     * Every write verb × every caller without a right to alice's records × her record and an unknown id: refused,
     * nothing of hers in any body or header, her id answered exactly like an unknown one, and nothing changed.
     */
    @Test
    void writeVerbsLeakNothingAndChangeNothing() throws Exception {
        Map<String, String> tokens = tokens();
        List<String> failures = new ArrayList<>();
        for (String caller : List.of("bob", "hosp-shanghai", "ai-lab")) {
            for (Write write : WRITES) {
                String foreignId = write.type().equals("Patient") ? world.alicePatient() : world.aliceObs();
                String unknownId = UUID.randomUUID().toString();
                try {
                    HttpResponse<String> foreign = sendWrite(tokens.get(caller), write, foreignId);
                    HttpResponse<String> unknown = sendWrite(tokens.get(caller), write, unknownId);
                    assertThat(foreign.statusCode()).as("refused, body " + abbreviate(foreign.body()))
                            .isBetween(400, 499);
                    String seen = foreign.body() + foreign.headers().map();
                    assertThat(seen.replace(foreignId, "SENT-ID")).as("no alice data")
                            .doesNotContain(world.aliceObs(), world.aliceObs2(), world.alicePatient(), ALICE_RID,
                                    "5.4", "6.6");
                    assertThat(foreign.statusCode()).as("foreign and unknown alike").isEqualTo(unknown.statusCode());
                    assertThat(foreign.body().replace(foreignId, "ID")).as("foreign and unknown bodies alike")
                            .isEqualTo(unknown.body().replace(unknownId, "ID"));
                } catch (AssertionError e) {
                    failures.add(caller + " × " + write.name() + ": " + e.getMessage().strip());
                }
            }
        }
        assertThat(failures).as("write cells that failed").isEmpty();
        HttpResponse<String> still = get("alice", "Observation/" + world.aliceObs());
        assertThat(still.body()).contains("\"versionId\":\"1\"").contains("5.4").doesNotContain("amended");
        HttpResponse<String> her = get("alice", "Patient/" + world.alicePatient());
        assertThat(her.statusCode()).isEqualTo(200);
        assertThat(her.body()).doesNotContain("\"gender\":\"male\"");
    }

    private HttpResponse<String> sendWrite(String token, Write write, String id) throws Exception {
        String url = "http://localhost:" + port + "/fhir/" + write.path().apply(id);
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Accept", JSON).header("Authorization", "Bearer " + token);
        for (int i = 0; i + 1 < write.headers().length; i += 2) {
            b.header(write.headers()[i], write.headers()[i + 1].formatted(id));
        }
        String body = write.body().apply(id);
        if (body == null) {
            b.method(write.method(), java.net.http.HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", write.contentType() == null ? JSON : write.contentType())
                    .method(write.method(), java.net.http.HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, String> tokens() throws Exception {
        Map<String, String> t = new LinkedHashMap<>();
        for (String c : List.of("alice", "bob", "hosp-beijing", "hosp-shanghai", "ai-lab")) {
            t.put(c, KeycloakTokens.token(c));
        }
        t.put("no token", null);
        t.put("wrong audience", KeycloakTokens.wrongAudience());
        t.put("signed by another key", KeycloakTokens.signedByAnotherKey());
        t.put("expired token", KeycloakTokens.expired());
        return t;
    }

    private void check(Caller caller, Route route, String token) throws Exception {
        String path = route.path().apply(world);
        HttpResponse<String> r = send(token, route.method(), path, route.body().apply(world));
        switch (caller.sees()) {
            case UNAUTHENTICATED -> {
                assertThat(r.statusCode()).as("status").isEqualTo(401);
                assertNoAliceData(r);
            }
            case ALL -> {
                if (route.notOfferedTo().contains(caller.name())) {
                    assertThat(r.statusCode()).as("clean refusal, body " + abbreviate(r.body()))
                            .isIn(200, 400, 403, 404, 410);
                    return;
                }
                assertThat(r.statusCode()).as("status, body " + abbreviate(r.body())).isEqualTo(200);
                assertThat(r.body()).as("sees " + route.name()).contains(route.target().apply(world));
            }
            case NOTHING -> {
                assertHidden(r, route.name(), path + " " + route.body().apply(world));
                if (route.instance()) {
                    String unknown = UUID.randomUUID().toString();
                    String foreignId = route.target().apply(world);
                    String unknownPath = path.replace(world.aliceObs(), unknown)
                            .replace(world.alicePatient(), unknown).replace(world.aliceBinary(), unknown)
                            .replace(world.aliceStudy(), "2.25.1" + Math.abs(unknown.hashCode()));
                    HttpResponse<String> u = send(token, route.method(), unknownPath, null);
                    assertThat(u.statusCode()).as("foreign and unknown ids answered alike").isEqualTo(r.statusCode());
                    String foreignBody = r.body();
                    for (String own : List.of(world.aliceObs(), world.alicePatient(), world.aliceBinary(),
                            world.aliceStudy(), foreignId)) {
                        foreignBody = foreignBody.replace(own, "ID");
                    }
                    assertThat(foreignBody).as("foreign and unknown bodies alike")
                            .isEqualTo(u.body().replace(unknown, "ID"));
                }
            }
        }
    }

    /** Hidden: refused or empty, and nothing of alice's in the body beyond the ids the caller itself sent. */
    private void assertHidden(HttpResponse<String> r, String what, String request) {
        assertThat(r.statusCode()).as(what + " status, body " + abbreviate(r.body())).isIn(200, 400, 403, 404, 410);
        String body = r.body();
        if (request.contains(ALICE_RID)) {
            body = body.replace(ALICE_RID, "SENT-RID");
        }
        for (String sent : List.of(world.aliceObs(), world.aliceObs2(), world.alicePatient(), world.aliceBinary())) {
            if (request.contains(sent)) {
                body = body.replace(sent, "SENT-ID");
            }
        }
        assertNoAliceData(body);
        assertThat(body).as("no alice data in " + what).doesNotContain("\"value\":5.4", "\"value\":6.6");
    }

    private void assertNoAliceData(HttpResponse<String> r) {
        assertNoAliceData(r.body());
    }

    private void assertNoAliceData(String body) {
        assertThat(body).doesNotContain(world.aliceObs(), world.aliceObs2(), world.alicePatient(),
                world.aliceBinary(), ALICE_RID, world.aliceStudy() + ".1.1", "PNG");
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
