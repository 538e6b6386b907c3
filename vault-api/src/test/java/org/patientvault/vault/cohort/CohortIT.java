package org.patientvault.vault.cohort;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Expression;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.devissuer.DevIssuerLogin;

/**
 * Cohort requests against bad input and the wrong callers (the end-to-end proof with real Keycloak is
 * {@code e2e.CohortE2EIT}): every invalid request is refused with all its problems named and nothing stored; only
 * AI firms file, only the committee decides, and another firm's request, job or file is answered exactly like an
 * unknown one.
 */
class CohortIT extends FhirIT {

    private static final String SD = "https://patientvault.org/fhir/StructureDefinition/";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String lab;
    private String beta;
    private String admin;

    @BeforeEach
    void tokens() {
        String root = "http://localhost:" + port;
        lab = DevIssuerLogin.clientCredentialsToken(root, "ai-lab", "ai-lab-secret");
        beta = DevIssuerLogin.clientCredentialsToken(root, "ai-beta", "ai-beta-secret");
        admin = DevIssuerLogin.userToken(root, "vault-admin", "vault-admin-demo");
    }

    static Group valid() {
        Group g = new Group().setType(Group.GroupType.PERSON).setActual(true);
        g.addModifierExtension(new Extension("http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter",
                new Expression().setLanguage("application/x-fhir-query").setExpression("ImagingStudy?modality=CT")));
        g.addExtension(SD + "cohort-purpose", new CodeType("ai-training"));
        g.addExtension(SD + "cohort-data-class", new CodeType("imaging"));
        g.addExtension(SD + "cohort-modality", new CodeType("CT"));
        g.addExtension(SD + "cohort-min-quality", new DecimalType("0.8"));
        Extension project = g.addExtension().setUrl(SD + "cohort-project");
        project.addExtension("title", new StringType("CT triage"));
        return g;
    }

    @Test
    void invalidRequestsNameEveryProblemAndStoreNothing() throws Exception {
        int before = ownRequests(lab);
        Group bad = valid();
        bad.getModifierExtension().clear();
        bad.addModifierExtension(new Extension("http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter",
                new Expression().setLanguage("application/x-fhir-query").setExpression("Observation?nonsense=1")));
        bad.addModifierExtension(new Extension("http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter",
                new Expression().setLanguage("application/x-fhir-query")
                        .setExpression("Patient?_has:Observation:subject:code=1234")));
        bad.addModifierExtension(new Extension("http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter",
                new Expression().setLanguage("application/x-fhir-query").setExpression("AuditEvent?agent=x")));
        bad.addExtension(SD + "cohort-data-class", new CodeType("genomics"));
        bad.getExtensionByUrl(SD + "cohort-min-quality").setValue(new DecimalType("1.5"));
        bad.getExtensionByUrl(SD + "cohort-purpose").setValue(new CodeType("marketing"));
        bad.addExtension(SD + "cohort-notification-endpoint", new UriType("http://example.org/hook"));
        HttpResponse<String> r = send(lab, "POST", "Group", json(bad));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("Observation?nonsense=1", "_has", "AuditEvent", "genomics",
                "from 0 to 1", "marketing", "https");
        assertThat(send(lab, "POST", "Group", "{\"resourceType\":\"Group\",").statusCode()).isEqualTo(400);
        Group noTitle = valid();
        noTitle.getExtension().removeIf(e -> e.getUrl().endsWith("cohort-project"));
        assertThat(send(lab, "POST", "Group", json(noTitle)).body()).contains("title");
        assertThat(ownRequests(lab)).as("nothing stored").isEqualTo(before);
    }

    @Test
    void onlyFirmsFileOnlyTheCommitteeDecidesAndForeignIsUnknown() throws Exception {
        HttpResponse<String> created = send(lab, "POST", "Group", json(valid()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = ctx.newJsonParser().parseResource(Group.class, created.body()).getIdElement().getIdPart();
        assertThat(created.body()).contains("cohort-status", "submitted");

        // Hospitals and patients neither file nor see requests.
        assertThat(send(hospitalToken, "POST", "Group", json(valid())).statusCode()).isEqualTo(403);
        assertThat(send(hospitalToken, "GET", "Group/" + id, null).statusCode()).isEqualTo(404);
        String alice = DevIssuerLogin.userToken("http://localhost:" + port, "alice", "alice-demo");
        assertThat(send(alice, "GET", "Group", null).statusCode()).isEqualTo(403);

        // Another firm: the same answer as for an id nobody has.
        HttpResponse<String> foreign = send(beta, "GET", "Group/" + id, null);
        HttpResponse<String> unknown = send(beta, "GET", "Group/" + java.util.UUID.randomUUID(), null);
        assertThat(foreign.statusCode()).isEqualTo(404).isEqualTo(unknown.statusCode());
        assertThat(foreign.body().replace(id, "X")).isEqualTo(unknown.body().replaceAll(
                "Group/[0-9a-f-]{36}", "Group/X"));
        assertThat(send(beta, "GET", "Group/" + id + "/$export", null, "Prefer", "respond-async").statusCode())
                .isEqualTo(404);
        assertThat(send(beta, "GET", "Group", null).body()).doesNotContain(id);
        assertThat(send(lab, "GET", "Group", null).body()).contains(id);

        // Not approved yet; the firm cannot approve itself; the committee needs a reason and decides once.
        assertThat(send(lab, "GET", "Group/" + id + "/$export", null, "Prefer", "respond-async").statusCode())
                .isEqualTo(409);
        assertThat(send(lab, "POST", "Group/" + id + "/$approve", reason("self")).statusCode()).isEqualTo(404);
        assertThat(send(admin, "POST", "Group/" + id + "/$approve", "{\"resourceType\":\"Parameters\"}")
                .statusCode()).isEqualTo(400);
        assertThat(send(admin, "POST", "Group/" + id + "/$approve", reason("safe project, safe people"))
                .statusCode()).isEqualTo(200);
        assertThat(send(admin, "POST", "Group/" + id + "/$reject", reason("changed my mind")).statusCode())
                .isEqualTo(409);
        assertThat(send(admin, "GET", "Group?status=approved", null).body()).contains(id);

        // Kick-off rules, then the job is the firm's alone.
        assertThat(send(lab, "GET", "Group/" + id + "/$export", null).statusCode()).isEqualTo(400);
        assertThat(send(lab, "GET", "Group/" + id + "/$export?_type=Patient", null, "Prefer", "respond-async")
                .statusCode()).isEqualTo(400);
        HttpResponse<String> kick = send(lab, "GET", "Group/" + id + "/$export", null, "Prefer", "respond-async");
        assertThat(kick.statusCode()).as(kick.body()).isEqualTo(202);
        String status = kick.headers().firstValue("Content-Location").orElseThrow();
        String job = status.substring(status.indexOf("_jobId=") + 7);
        HttpResponse<String> theirs = send(beta, "GET", status, null);
        HttpResponse<String> nobodys = send(beta, "GET", status.replace(job, java.util.UUID.randomUUID().toString()),
                null);
        assertThat(theirs.statusCode()).isEqualTo(404).isEqualTo(nobodys.statusCode());
        assertThat(send(beta, "DELETE", status, null).statusCode()).isEqualTo(404);
        assertThat(send(hospitalToken, "GET", status, null).statusCode()).isEqualTo(403);

        // This database has too few consenting patients: the build ends "too small", never with the count.
        HttpResponse<String> end = poll(status);
        assertThat(end.statusCode()).as(end.body()).isEqualTo(422);
        assertThat(end.body()).contains("fewer than 20");
        assertThat(send(lab, "GET", "Group/" + id, null).body()).contains("too-small");
    }

    @Test
    void aBuildingReleaseCanBeCancelled() throws Exception {
        String id = ctx.newJsonParser().parseResource(Group.class, send(lab, "POST", "Group", json(valid())).body())
                .getIdElement().getIdPart();
        send(admin, "POST", "Group/" + id + "/$approve", reason("ok"));
        HttpResponse<String> kick = send(lab, "GET", "Group/" + id + "/$export", null, "Prefer", "respond-async");
        String status = kick.headers().firstValue("Content-Location").orElseThrow();
        HttpResponse<String> cancel = send(lab, "DELETE", status, null);
        // Either the cancellation reached the build in time, or the build had already ended as too small.
        if (cancel.statusCode() == 202) {
            HttpResponse<String> after = poll(status);
            assertThat(after.statusCode()).isIn(404, 422);
        } else {
            assertThat(cancel.statusCode()).isEqualTo(404);
        }
    }

    private HttpResponse<String> poll(String status) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        HttpResponse<String> r;
        do {
            r = send(lab, "GET", status, null);
            if (r.statusCode() == 202) {
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                Thread.sleep(300);
            }
        } while (r.statusCode() == 202 && System.currentTimeMillis() < deadline);
        return r;
    }

    private int ownRequests(String token) throws Exception {
        Bundle b = ctx.newJsonParser().parseResource(Bundle.class, send(token, "GET", "Group", null).body());
        return b.getEntry().size();
    }

    private String json(Group g) {
        return ctx.newJsonParser().encodeResourceToString(g);
    }

    private static String reason(String text) {
        return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"reason\",\"valueString\":\"" + text
                + "\"}]}";
    }

    private HttpResponse<String> send(String token, String method, String path, String body, String... headers)
            throws Exception {
        String url = path.startsWith("http") ? path : baseUrl() + "/" + path;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/fhir+json").header("Authorization", "Bearer " + token);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/fhir+json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
