package org.patientvault.vault.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.NumberClientParam;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.quality.QualityScoreExtension;
import org.patientvault.mapping.quality.QualityScorecard;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.devissuer.DevIssuerLogin;
import org.springframework.beans.factory.annotation.Autowired;

/** Data-quality scoring in the submission path, the quality search parameter and the per-hospital scorecards. */
class QualityIT extends FhirIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private QualityDefinitions definitions;


    private Bundle submit(Bundle b) {
        return client.transaction().withBundle(b).execute();
    }

    private static double score(Bundle response) {
        return QualityScoreExtension.read(response).orElseThrow(() -> new AssertionError("no submission score"));
    }

    private static Extension receipt(Bundle response) {
        Extension receipt = response.getMeta().getExtensionByUrl(SubmissionQuality.RECEIPT_URL);
        assertThat(receipt).as("quality receipt on Bundle.meta").isNotNull();
        return receipt;
    }

    private static Set<String> receiptChecks(Bundle response) {
        Set<String> ids = new HashSet<>();
        receipt(response).getExtensionsByUrl("check").forEach(e -> ids.add(((Coding) e.getValue()).getCode()));
        return ids;
    }

    private OperationOutcome receiptOutcome(Bundle response) {
        Attachment a = (Attachment) receipt(response).getExtensionByUrl("outcome").getValue();
        assertThat(a.getContentType()).isEqualTo("application/fhir+json");
        return ctx.newJsonParser().parseResource(OperationOutcome.class,
                new String(a.getData(), StandardCharsets.UTF_8));
    }

    private static Set<String> checkIds(OperationOutcome oo) {
        Set<String> ids = new HashSet<>();
        oo.getIssue().forEach(i -> i.getDetails().getCoding().stream()
                .filter(c -> QualityScoreExtension.CHECK_CODE_SYSTEM.equals(c.getSystem()))
                .forEach(c -> ids.add(c.getCode())));
        return ids;
    }

    @Test
    void cleanCheckupScoresHighAndDefectiveOneLowerWithTheExpectedChecksInTheReceipt() {
        String tag = UUID.randomUUID().toString();
        Bundle clean = submit(QualityCheckups.clean(QualityCheckups.residentId(), tag + "c"));
        Bundle defective = submit(QualityCheckups.defective(QualityCheckups.residentId(), tag + "d"));

        assertThat(score(clean)).isGreaterThanOrEqualTo(0.95);
        assertThat(score(defective)).isLessThan(score(clean) - 0.05);
        Set<String> expected = Set.of("compl.observation-unit", "conf.standard-coding", "plaus.future-date");
        assertThat(receiptChecks(defective)).containsAll(expected);
        assertThat(receiptChecks(clean)).doesNotContainAnyElementsOf(expected);

        OperationOutcome whole = receiptOutcome(defective);
        assertThat(checkIds(whole)).containsAll(expected);
        assertThat(QualityScoreExtension.read(whole).orElseThrow()).isEqualTo(score(defective));
        assertThat(whole.getIssue()).anySatisfy(i -> assertThat(i.getExpression())
                .anySatisfy(e -> assertThat(e.getValue()).startsWith("Bundle.entry[3].resource.effective")));

        // entry 1 is the glucose without a unit: its outcome holds HAPI's storage outcome and our issue
        OperationOutcome glucose = (OperationOutcome) defective.getEntry().get(1).getResponse().getOutcome();
        assertThat(checkIds(glucose)).contains("compl.observation-unit");
        assertThat(glucose.getIssue()).anySatisfy(i -> assertThat(i.getDetails().getCodingFirstRep().getSystem())
                .isEqualTo("https://hapifhir.io/fhir/CodeSystem/hapi-fhir-storage-response-code"));
        assertThat(QualityScoreExtension.read(glucose).orElseThrow()).isLessThan(1.0);
        OperationOutcome cleanGlucose = (OperationOutcome) clean.getEntry().get(1).getResponse().getOutcome();
        // not 1.0: the validator's best-practice warnings are findings too (conf.base-validation)
        assertThat(QualityScoreExtension.read(cleanGlucose).orElseThrow()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void theValidatorsWarningsReachTheScore() {
        // An Observation without a performer is valid R4, but the validator warns (best practice): that finding is
        // passed to the scorer as conf.base-validation.
        Bundle b = QualityCheckups.clean(QualityCheckups.residentId(), UUID.randomUUID().toString());
        b.getEntry().forEach(e -> {
            if (e.getResource() instanceof Observation o) {
                o.getPerformer().clear();
            }
        });
        assertThat(receiptChecks(submit(b))).contains("conf.base-validation");
    }

    @Test
    void theStoredObservationsCarryTheirScores() {
        String tag = UUID.randomUUID().toString();
        Bundle clean = submit(QualityCheckups.clean(QualityCheckups.residentId(), tag + "c"));
        Bundle defective = submit(QualityCheckups.defective(QualityCheckups.residentId(), tag + "d"));

        Observation storedGlucose = client.read().resource(Observation.class)
                .withId(new IdType(clean.getEntry().get(1).getResponse().getLocation()).toUnqualifiedVersionless())
                .execute();
        assertThat(QualityScoreExtension.read(storedGlucose).orElseThrow()).isGreaterThanOrEqualTo(0.95);
        Observation storedChol = client.read().resource(Observation.class)
                .withId(new IdType(defective.getEntry().get(3).getResponse().getLocation()).toUnqualifiedVersionless())
                .execute();
        assertThat(QualityScoreExtension.read(storedChol).orElseThrow()).isLessThan(0.8);
    }

    @Test
    void theQualityDefinitionsAreStoredOnceByCanonicalUrl() {
        definitions.load();
        definitions.load();
        for (String type : List.of("SearchParameter", "StructureDefinition")) {
            String url = "https://patientvault.org/fhir/" + type + "/"
                    + ("SearchParameter".equals(type) ? "quality" : "quality-score");
            SearchParameterMap byUrl = SearchParameterMap.newSynchronous("url", new UriParam(url));
            List<IBaseResource> found = daos.getResourceDao(type).search(byUrl, new SystemRequestDetails())
                    .getAllResources();
            assertThat(found).as(type).hasSize(1);
            assertThat(found.get(0).getMeta().getVersionId()).as(type + " unchanged by a reload").isEqualTo("1");
        }
    }

    /** The search itself: the stored `quality` SearchParameter is live at start. */
    @Test
    void theQualitySearchParameterSelectsOnTheStoredScore() {
        assertThat(definitions.load()).as("quality parameter active").isTrue();
        String tag = UUID.randomUUID().toString();
        submit(QualityCheckups.clean(QualityCheckups.residentId(), tag + "c"));
        submit(QualityCheckups.defective(QualityCheckups.residentId(), tag + "d"));
        List<String> mine = new ArrayList<>();
        for (String t : List.of(tag + "c", tag + "d")) {
            for (int i = 1; i <= 4; i++) {
                mine.add(t + "-" + i);
            }
        }
        Bundle high = client.search().forResource(Observation.class)
                .where(new NumberClientParam("quality").greaterThanOrEqual().number("0.8"))
                .and(new TokenClientParam("identifier").exactly().systemAndValues(QualityCheckups.TEST_IDS, mine))
                .count(50).returnBundle(Bundle.class).execute();
        Set<String> found = new HashSet<>();
        high.getEntry().forEach(e -> found.add(((Observation) e.getResource()).getIdentifierFirstRep()
                .getValue()));
        assertThat(found).contains(tag + "c-1", tag + "c-2", tag + "c-3", tag + "c-4")
                .doesNotContain(tag + "d-3");
        high.getEntry().forEach(e -> assertThat(QualityScoreExtension.read(e.getResource()).orElseThrow())
                .isGreaterThanOrEqualTo(0.8));
    }

    @Test
    void aReplayReturnsTheSameScoreAndReceipt() {
        Bundle sent = QualityCheckups.defective(QualityCheckups.residentId(), UUID.randomUUID().toString());
        Bundle first = submit(sent.copy());
        Bundle again = submit(sent.copy());
        assertThat(score(again)).isEqualTo(score(first));
        assertThat(receiptChecks(again)).isEqualTo(receiptChecks(first));
        assertThat(receipt(again).getExtensionByUrl("issues").getValue().primitiveValue())
                .isEqualTo(receipt(first).getExtensionByUrl("issues").getValue().primitiveValue());
        Extension submissionReceipt = again.getMeta().getExtensionByUrl(
                org.patientvault.vault.submission.SubmissionService.RECEIPT_URL);
        assertThat(submissionReceipt.getExtensionByUrl("replay").getValue().primitiveValue()).isEqualTo("true");
    }

    private String organizationId(String orgCode) {
        Bundle b = client.search().forResource(Organization.class)
                .where(new TokenClientParam("identifier").exactly()
                        .systemAndCode(QualityScorecard.ORG_SYSTEM, orgCode))
                .returnBundle(Bundle.class).execute();
        assertThat(b.getEntry()).as("organization " + orgCode).hasSize(1);
        return b.getEntry().get(0).getResource().getIdElement().getIdPart();
    }

    private MeasureReport scorecard(IGenericClient c, String organizationId) {
        return c.operation().onInstance(new IdType("Organization", organizationId)).named("$quality-scorecard")
                .withNoParameters(Parameters.class).returnResourceType(MeasureReport.class).useHttpGet().execute();
    }

    private static int submissions(MeasureReport r) {
        return r.getGroup().get(0).getPopulationFirstRep().getCount();
    }

    private HttpResponse<String> scorecardJson(String token, String orgCode) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/quality/scorecards/"
                + orgCode)).header("Authorization", "Bearer " + token).GET().build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theScorecardOfHospBeijingReflectsItsSubmissionsAsMeasureReportAndJson() throws Exception {
        submit(QualityCheckups.clean(QualityCheckups.residentId(), UUID.randomUUID().toString()));
        String beijing = organizationId("hosp-beijing");
        int before = submissions(scorecard(client, beijing));
        submit(QualityCheckups.defective(QualityCheckups.residentId(), UUID.randomUUID().toString()));
        submit(QualityCheckups.defective(QualityCheckups.residentId(), UUID.randomUUID().toString()));

        MeasureReport report = scorecard(client, beijing);
        assertThat(report.getMeasure()).isEqualTo(QualityScorecard.MEASURE_URL);
        assertThat(report.getReporter().getIdentifier().getValue()).isEqualTo("hosp-beijing");
        assertThat(submissions(report)).isEqualTo(before + 2);
        MeasureReport.MeasureReportGroupComponent issues = report.getGroup().stream()
                .filter(g -> "recurring-issues".equals(g.getCode().getCodingFirstRep().getCode())).findFirst()
                .orElseThrow();
        Set<String> recurring = new HashSet<>();
        issues.getStratifierFirstRep().getStratum().forEach(s -> recurring.add(s.getValue().getCodingFirstRep()
                .getCode()));
        assertThat(recurring).contains("plaus.future-date", "compl.observation-unit");

        HttpResponse<String> json = scorecardJson(hospitalToken, "hosp-beijing");
        assertThat(json.statusCode()).isEqualTo(200);
        JsonNode card = JSON.readTree(json.body());
        assertThat(card.path("hospitalOrgId").asText()).isEqualTo("hosp-beijing");
        assertThat(card.path("submissions").asInt()).isEqualTo(before + 2);
        assertThat(card.path("meanScore").asDouble()).isBetween(0.0, 1.0);
        assertThat(card.path("trend").isArray()).isTrue();

        String admin = DevIssuerLogin.userToken("http://localhost:" + port, "vault-admin", "vault-admin-demo");
        assertThat(submissions(scorecard(clientWithToken(admin), beijing))).isEqualTo(before + 2);
        assertThat(scorecardJson(admin, "hosp-beijing").statusCode()).isEqualTo(200);
    }

    @Test
    void anotherHospitalsScorecardIsNotFoundForHospBeijing() throws Exception {
        String shanghaiToken = DevIssuerLogin.clientCredentialsToken("http://localhost:" + port, "hosp-shanghai",
                "hosp-shanghai-secret");
        IGenericClient shanghai = clientWithToken(shanghaiToken);
        shanghai.transaction().withBundle(QualityCheckups.clean(QualityCheckups.residentId(),
                UUID.randomUUID().toString())).execute();
        String shanghaiOrg = organizationId("hosp-shanghai");
        assertThat(submissions(scorecard(shanghai, shanghaiOrg))).isPositive();

        assertThatThrownBy(() -> scorecard(client, shanghaiOrg)).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> scorecard(client, UUID.randomUUID().toString()))
                .isInstanceOf(ResourceNotFoundException.class);
        HttpResponse<String> json = scorecardJson(hospitalToken, "hosp-shanghai");
        assertThat(json.statusCode()).isEqualTo(404);
        assertThat(json.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(json.body()).path("status").asInt()).isEqualTo(404);
        assertThat(scorecardJson(shanghaiToken, "hosp-shanghai").statusCode()).isEqualTo(200);
    }
}
