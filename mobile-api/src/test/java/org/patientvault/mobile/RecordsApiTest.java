package org.patientvault.mobile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MvcResult;

/** /me, /timeline, /labs/{loinc}/trend and /studies on the fake ports, and the API's HTTP conventions. */
class RecordsApiTest extends ApiTestBase {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode getJson(String url, String language) throws Exception {
        MvcResult r = mvc.perform(get(url).header("Accept-Language", language)).andExpect(status().isOk())
                .andReturn();
        return json.readTree(r.getResponse().getContentAsByteArray());
    }

    @Test
    void theTimelineIsNewestFirstGroupedByDateWithHospitalFlagAndQualityInTheCallersLanguage() throws Exception {
        vault.resources.add(glucose("hosp-beijing", "2026-10-01", 7.9, "mmol/L", 3.9, 6.1, 0.95));
        vault.resources.add(glucose("hosp-shanghai", "2026-11-05", 5.0, "mmol/L", 3.9, 6.1, 0.5));
        vault.resources.add(study("hosp-shanghai", "2026-11-05T09:30:00+08:00", "1.2.3.4", "CT", "CT"));

        JsonNode zh = getJson("/mobile/v1/timeline", "zh-CN,zh;q=0.9");
        assertThat(zh.at("/total").asInt()).isEqualTo(3);
        assertThat(zh.at("/days/0/date").asText()).isEqualTo("2026-11-05");
        assertThat(zh.at("/days/0/items").size()).isEqualTo(2);
        assertThat(zh.at("/days/0/items/0/kind").asText()).isEqualTo("imaging");
        assertThat(zh.at("/days/0/items/0/imaging/seriesCount").asInt()).isEqualTo(2);
        assertThat(zh.at("/days/0/items/0/imaging/bodySite").asText()).isEqualTo("Chest");
        assertThat(zh.at("/days/0/items/0/imaging/thumbnailUrl").asText())
                .isEqualTo("/dicomweb/studies/1.2.3.4/series/1.2.3.4.1/rendered");
        JsonNode high = zh.at("/days/1/items/0");
        assertThat(high.at("/kind").asText()).isEqualTo("lab");
        assertThat(high.at("/title").asText()).isEqualTo("空腹血糖");
        assertThat(high.at("/result/value").decimalValue()).isEqualByComparingTo("7.9");
        assertThat(high.at("/result/unit").asText()).isEqualTo("mmol/L");
        assertThat(high.at("/result/range/high").decimalValue()).isEqualByComparingTo("6.1");
        assertThat(high.at("/result/flag").asText()).isEqualTo("high");
        assertThat(high.at("/result/flagText").asText()).isEqualTo("偏高");
        assertThat(high.at("/hospital/id").asText()).isEqualTo("hosp-beijing");
        assertThat(high.at("/hospital/name").asText()).isEqualTo("北京医院（演示）");
        assertThat(high.at("/quality/words").asText()).isEqualTo("完整");
        assertThat(high.at("/submittedAt").asText()).isNotEmpty();

        JsonNode en = getJson("/mobile/v1/timeline", "en-US,en;q=0.8");
        assertThat(en.at("/days/1/items/0/title").asText()).isEqualTo("Fasting glucose");
        assertThat(en.at("/days/1/items/0/result/flagText").asText()).isEqualTo("High");
        assertThat(en.at("/days/1/items/0/quality/words").asText()).isEqualTo("complete");
        assertThat(en.at("/days/0/items/1/quality/words").asText()).isEqualTo("incomplete");
        mvc.perform(get("/mobile/v1/timeline").header("Accept-Language", "en"))
                .andExpect(header().string("Content-Language", "en"));
    }

    @Test
    void filtersNarrowTheTimeline() throws Exception {
        vault.resources.add(glucose("hosp-beijing", "2026-10-01", 5.4, "mmol/L", null, null, null));
        vault.resources.add(glucose("hosp-shanghai", "2026-11-05", 5.0, "mmol/L", null, null, null));
        vault.resources.add(study("hosp-shanghai", "2026-11-05", "1.2.3.5", "MR"));

        assertThat(getJson("/mobile/v1/timeline?hospital=hosp-beijing", "en").at("/total").asInt()).isEqualTo(1);
        assertThat(getJson("/mobile/v1/timeline?kind=imaging", "en").at("/total").asInt()).isEqualTo(1);
        assertThat(getJson("/mobile/v1/timeline?kind=lab,imaging", "en").at("/total").asInt()).isEqualTo(3);
        assertThat(getJson("/mobile/v1/timeline?from=2026-11-01", "en").at("/total").asInt()).isEqualTo(2);
        assertThat(getJson("/mobile/v1/timeline?to=2026-10-31", "en").at("/total").asInt()).isEqualTo(1);
        assertThat(getJson("/mobile/v1/timeline?text=GLUCOSE", "en").at("/total").asInt()).isEqualTo(2);
        assertThat(getJson("/mobile/v1/timeline?text=空腹", "zh-CN").at("/total").asInt()).isEqualTo(2);

        for (String bad : List.of("kind=x-ray", "from=yesterday", "from=2026-11-02&to=2026-11-01",
                "hospital=%3Cscript%3E", "limit=0", "limit=101", "cursor=not-a-cursor")) {
            mvc.perform(get("/mobile/v1/timeline?" + bad)).andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.status").value(400))
                    .andExpect(jsonPath("$.type").value(org.hamcrest.Matchers.startsWith(
                            "https://patientvault.org/problems/")));
        }
    }

    @Test
    void cursorsWalkEveryItemOnceEvenWhenRecordsArriveBetweenPages() throws Exception {
        for (int day = 1; day <= 7; day++) {
            vault.resources.add(glucose("hosp-beijing", "2026-10-0" + day, 5 + day / 10.0, "mmol/L", null, null,
                    null));
        }
        // Several records on one day: ties are broken by id, never skipped or repeated.
        vault.resources.add(glucose("hosp-beijing", "2026-10-03", 9.9, "mmol/L", null, null, null));
        vault.pageSize = 3; // the port's own paging is followed too
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = getJson("/mobile/v1/timeline?limit=3" + (cursor == null ? "" : "&cursor=" + cursor),
                    "en");
            page.at("/days").forEach(d -> d.at("/items").forEach(i -> seen.add(i.at("/id").asText())));
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
            if (pages == 0) {
                // A newer record arriving now must not shift the later pages.
                vault.resources.add(glucose("hosp-beijing", "2026-12-01", 5.5, "mmol/L", null, null, null));
            }
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).hasSize(8).doesNotHaveDuplicates();
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void readsCarryAnEtagAndAnswerIfNoneMatchWith304() throws Exception {
        vault.resources.add(glucose("hosp-beijing", "2026-10-01", 5.4, "mmol/L", null, null, null));
        MvcResult first = mvc.perform(get("/mobile/v1/timeline").header("Accept-Language", "en"))
                .andExpect(status().isOk()).andExpect(header().string("Cache-Control", "private, no-cache"))
                .andReturn();
        String etag = first.getResponse().getHeader("ETag");
        assertThat(etag).isNotBlank();
        mvc.perform(get("/mobile/v1/timeline").header("Accept-Language", "en").header("If-None-Match", etag))
                .andExpect(status().isNotModified());
        // Another language is another body, so another ETag.
        mvc.perform(get("/mobile/v1/timeline").header("Accept-Language", "zh-CN").header("If-None-Match", etag))
                .andExpect(status().isOk());
        // A change is another body too.
        vault.resources.add(glucose("hosp-beijing", "2026-10-02", 5.5, "mmol/L", null, null, null));
        mvc.perform(get("/mobile/v1/timeline").header("Accept-Language", "en").header("If-None-Match", etag))
                .andExpect(status().isOk());
    }

    @Test
    void aTrendConvertsUnitsAndKeepsTheOriginals() throws Exception {
        vault.resources.add(glucose("hosp-beijing", "2026-10-01", 5.5, "mmol/L", 3.9, 6.1, null));
        vault.resources.add(glucose("hosp-shanghai", "2026-09-01", 90, "mg/dL", 70.0, 110.0, null));
        Observation other = glucose("hosp-beijing", "2026-08-01", 1, "mmol/L", null, null, null);
        other.getCode().getCodingFirstRep().setCode("2093-3");
        vault.resources.add(other);

        JsonNode t = getJson("/mobile/v1/labs/1558-6/trend", "en");
        assertThat(t.at("/unit").asText()).isEqualTo("mg/dL");
        assertThat(t.at("/name").asText()).isEqualTo("Fasting glucose");
        assertThat(t.at("/points").size()).isEqualTo(2);
        assertThat(t.at("/points/0/date").asText()).isEqualTo("2026-09-01");
        assertThat(t.at("/points/0/value").decimalValue()).isEqualByComparingTo("90");
        assertThat(t.at("/points/1/original/value").decimalValue()).isEqualByComparingTo("5.5");
        assertThat(t.at("/points/1/original/unit").asText()).isEqualTo("mmol/L");
        assertThat(t.at("/points/1/value").decimalValue().doubleValue()).isBetween(98.0, 100.0);
        assertThat(t.at("/points/1/range/high").decimalValue().doubleValue()).isBetween(109.0, 111.0);
        assertThat(t.at("/hospitals").size()).isEqualTo(2);

        mvc.perform(get("/mobile/v1/labs/glucose/trend")).andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("LOINC")));
        assertThat(getJson("/mobile/v1/labs/2345-7/trend", "en").at("/points").size()).isZero();
    }

    @Test
    void aValueTheVaultNormalisedAtSubmissionIsShownAsSentWithItsCanonicalForm() throws Exception {
        // As the terminology step stores it: canonical unit in the value, what was sent in original-quantity.
        Observation o = glucose("hosp-beijing", "2026-10-01", 99.0, "mg/dL", 70.2, 109.8, null);
        o.getValueQuantity().addExtension("https://patientvault.org/fhir/StructureDefinition/original-quantity",
                new org.hl7.fhir.r4.model.Quantity().setValue(5.5).setUnit("mmol/L"));
        o.getReferenceRangeFirstRep().getHigh().addExtension(
                "https://patientvault.org/fhir/StructureDefinition/original-quantity",
                new org.hl7.fhir.r4.model.Quantity().setValue(6.1).setUnit("mmol/L"));
        vault.resources.add(o);
        JsonNode item = getJson("/mobile/v1/timeline", "en").at("/days/0/items/0");
        assertThat(item.at("/result/value").decimalValue()).isEqualByComparingTo("5.5");
        assertThat(item.at("/result/unit").asText()).isEqualTo("mmol/L");
        assertThat(item.at("/result/range/high").decimalValue()).isEqualByComparingTo("6.1");
        assertThat(item.at("/result/normalizedValue").decimalValue()).isEqualByComparingTo("99");
        assertThat(item.at("/result/normalizedUnit").asText()).isEqualTo("mg/dL");
        JsonNode point = getJson("/mobile/v1/labs/1558-6/trend", "en").at("/points/0");
        assertThat(point.at("/value").decimalValue()).isEqualByComparingTo("99");
        assertThat(point.at("/original/value").decimalValue()).isEqualByComparingTo("5.5");
        assertThat(point.at("/original/unit").asText()).isEqualTo("mmol/L");
        assertThat(point.at("/range/high").decimalValue()).isEqualByComparingTo("109.8");
    }

    @Test
    void studiesListSeriesWithPreviewsAndDownloadLinks() throws Exception {
        vault.resources.add(study("hosp-shanghai", "2026-11-05", "1.2.3.6", "CT", "CT"));
        vault.resources.add(study("hosp-beijing", "2026-01-05", "1.2.3.7", "MR"));
        JsonNode s = getJson("/mobile/v1/studies?limit=1", "zh-CN");
        assertThat(s.at("/total").asInt()).isEqualTo(2);
        assertThat(s.at("/studies/0/studyUid").asText()).isEqualTo("1.2.3.6");
        assertThat(s.at("/studies/0/modalityTexts/0").asText()).isEqualTo("CT");
        assertThat(s.at("/studies/0/series").size()).isEqualTo(2);
        assertThat(s.at("/studies/0/series/1/previewUrl").asText())
                .isEqualTo("/dicomweb/studies/1.2.3.6/series/1.2.3.6.2/rendered");
        assertThat(s.at("/studies/0/downloadUrl").asText()).isEqualTo("/dicomweb/studies/1.2.3.6");
        JsonNode next = getJson("/mobile/v1/studies?limit=1&cursor=" + s.at("/nextCursor").asText(), "zh-CN");
        assertThat(next.at("/studies/0/studyUid").asText()).isEqualTo("1.2.3.7");
        assertThat(next.at("/studies/0/modalityTexts/0").asText()).isEqualTo("磁共振");
        assertThat(next.has("nextCursor")).isFalse();
    }

    @Test
    void meShowsProfileHospitalsWithMrnsAndCandidatesAndClaimsGoThroughTheOperations() throws Exception {
        Patient alice = new Patient();
        alice.setId("Patient/alice/_history/1");
        alice.addName().setFamily("王").addGiven("丽");
        alice.addIdentifier().setSystem("urn:mrn:bj").setValue("BJ-001").setAssigner(new Reference()
                        .setIdentifier(new org.hl7.fhir.r4.model.Identifier()
                                .setSystem("https://patientvault.org/fhir/sid/org").setValue("hosp-beijing")))
                .getType().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/v2-0203").setCode("MR");
        org.hl7.fhir.r4.model.Extension view = alice.addExtension()
                .setUrl("https://patientvault.org/fhir/StructureDefinition/hospital-view");
        view.addExtension("organization", new Reference().setIdentifier(new org.hl7.fhir.r4.model.Identifier()
                .setSystem("https://patientvault.org/fhir/sid/org").setValue("hosp-beijing")));
        view.addExtension("birthDate", new org.hl7.fhir.r4.model.DateType("1985-03-12"));
        view.addExtension("telecom", new org.hl7.fhir.r4.model.ContactPoint()
                .setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue("13800000000"));
        vault.resources.add(alice);
        Parameters candidates = new Parameters();
        Parameters.ParametersParameterComponent c = candidates.addParameter().setName("candidate");
        c.addPart().setName("patient").setValue(new Reference("Patient/cand-1"));
        c.addPart().setName("organization").setValue(new StringType("clinic-rural"));
        c.addPart().setName("records").setValue(new org.hl7.fhir.r4.model.IntegerType(2));
        vault.claimCandidates.add(candidates);

        JsonNode me = getJson("/mobile/v1/me", "zh-CN");
        assertThat(me.at("/profile/name").asText()).isEqualTo("王丽");
        assertThat(me.at("/profile/birthDate").asText()).isEqualTo("1985-03-12");
        assertThat(me.at("/profile/phones/0").asText()).isEqualTo("13800000000");
        assertThat(me.at("/hospitals/0/hospital/id").asText()).isEqualTo("hosp-beijing");
        assertThat(me.at("/hospitals/0/mrns/0").asText()).isEqualTo("BJ-001");
        assertThat(me.at("/claimCandidates/0/id").asText()).isEqualTo("cand-1");
        assertThat(me.at("/claimCandidates/0/hospital/name").asText()).isEqualTo("乡村诊所（演示）");
        assertThat(me.at("/claimCandidates/0/records").asInt()).isEqualTo(2);

        mvc.perform(post("/mobile/v1/me/claim-candidates/unknown-1/accept")).andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        assertThat(vault.writes).isEmpty();
        mvc.perform(post("/mobile/v1/me/claim-candidates/cand-1/accept")).andExpect(status().isOk())
                .andExpect(jsonPath("$.outcome").value("claimed")).andExpect(jsonPath("$.moved").value(3));
        assertThat(vault.writes).containsExactly("claim Patient/cand-1");
    }

    @Test
    void anUnknownRouteIsAProblemToo() throws Exception {
        mvc.perform(get("/mobile/v1/no-such-route")).andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        mvc.perform(post("/mobile/v1/timeline")).andExpect(status().isMethodNotAllowed())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void aCallerWithoutALinkedPatientGetsAProblemNotData() throws Exception {
        vault.resources.add(glucose("hosp-beijing", "2026-10-01", 5.4, "mmol/L", null, null, null));
        vault.patientId = null;
        for (String url : List.of("/mobile/v1/me", "/mobile/v1/timeline", "/mobile/v1/studies",
                "/mobile/v1/labs/1558-6/trend")) {
            mvc.perform(get(url)).andExpect(status().isForbidden())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(
                            "5.4"))));
        }
    }
}
