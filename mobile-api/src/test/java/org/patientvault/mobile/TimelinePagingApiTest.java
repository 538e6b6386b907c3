package org.patientvault.mobile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/**
 * The timeline's paging on a long history: a page reads about its own size from the port, not the history, and
 * walking every page gives each item once, in the timeline's order (newest first, then id), across FHIR's arbitrary
 * order of records of one instant, records without a clinical date, and a FHIR page size smaller than the page.
 */
class TimelinePagingApiTest extends ApiTestBase {

    private final ObjectMapper json = new ObjectMapper();

    /** 400 results on 100 days, four per visit at one instant; 10 studies; 30 reports; 3 records with no date. */
    private List<Resource> history() {
        List<Resource> all = new ArrayList<>();
        for (int day = 0; day < 100; day++) {
            String instant = new DateTimeType(new Date(1_760_000_000_000L + day * 86_400_000L)).getValueAsString();
            for (int i = 0; i < 4; i++) {
                Observation o = glucose(day % 2 == 0 ? "hosp-beijing" : "hosp-shanghai", instant, 5 + i / 10.0,
                        "mmol/L", null, null, null);
                all.add(o);
            }
            if (day % 10 == 0) {
                all.add(study("hosp-shanghai", instant, "1.2.3." + day, "CT"));
            }
            if (day % 4 == 0 || day % 7 == 0) {
                all.add(report("hosp-beijing", instant));
            }
        }
        Observation undated = glucose("hosp-beijing", "2026-01-01", 6.1, "mmol/L", null, null, null);
        undated.setEffective(null);
        undated.setIssuedElement(new InstantType("2025-11-20T08:00:00+08:00"));
        all.add(undated);
        Observation stored = glucose("hosp-beijing", "2026-01-01", 6.2, "mmol/L", null, null, null);
        stored.setEffective(null);
        stored.getMeta().setLastUpdated(new Date(1_760_000_000_000L + 50 * 86_400_000L + 1));
        all.add(stored);
        ImagingStudy noDate = study("hosp-shanghai", "2026-01-01", "1.2.3.999", "MR");
        noDate.setStarted(null);
        noDate.getMeta().setLastUpdated(new Date(1_760_000_000_000L + 99 * 86_400_000L));
        all.add(noDate);
        return all;
    }

    private static DiagnosticReport report(String org, String when) {
        DiagnosticReport d = new DiagnosticReport();
        d.setId("DiagnosticReport/" + java.util.UUID.randomUUID() + "/_history/1");
        d.getMeta().addTag(FakeVault.submitter(org));
        d.getMeta().setLastUpdated(new Date());
        d.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
        d.setCode(new CodeableConcept(new Coding("http://loinc.org", "24323-8", "Comprehensive metabolic panel")));
        d.setEffective(new DateTimeType(when));
        return d;
    }

    /** What the timeline places a record by, computed here independently of the service. */
    private static long time(Resource r) {
        if (r instanceof Observation o) {
            return o.hasEffective() ? o.getEffectiveDateTimeType().getValue().getTime()
                    : o.hasIssued() ? o.getIssued().getTime() : o.getMeta().getLastUpdated().getTime();
        }
        if (r instanceof ImagingStudy s) {
            return s.hasStarted() ? s.getStarted().getTime() : s.getMeta().getLastUpdated().getTime();
        }
        return ((DiagnosticReport) r).getEffectiveDateTimeType().getValue().getTime();
    }

    private static String id(Resource r) {
        return r.fhirType() + "/" + r.getIdElement().getIdPart();
    }

    private JsonNode page(String query) throws Exception {
        return json.readTree(mvc.perform(get("/mobile/v1/timeline?" + query).header("Accept-Language", "en"))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray());
    }

    @Test
    void aPageReadsAboutItsOwnSizeAndCountsTheWholeHistory() throws Exception {
        List<Resource> records = history();
        vault.resources.addAll(records);
        vault.served.set(0);

        JsonNode first = page("limit=10");
        assertThat(first.at("/total").asInt()).isEqualTo(records.size());
        assertThat(first.has("truncated")).isFalse();
        // Three types, a first search of 2 x 11 each (synchronous: _offset=0), at most once followed (the records of
        // one instant, four results a visit, may straddle its end) by the same search paged, which reads that chunk
        // again and one more page, and the three undated records: far below the 443 records of the history.
        assertThat(vault.served.get()).isLessThanOrEqualTo(3 * 3 * 22 + 3);
        assertThat(vault.searches).filteredOn(s -> s.contains("_offset")).hasSize(3)
                .allSatisfy(s -> assertThat(s).contains("_count=[22]").contains("_offset=[0]"));
        // The page's searches are audited as one (one AuditEvent per page, not one per search).
        assertThat(vault.auditScopes).containsExactly("GET /mobile/v1/timeline");

        // A page deep in the history costs the same: the cursor becomes a date bound of the searches.
        String cursor = first.get("nextCursor").asText();
        for (int i = 0; i < 20; i++) {
            cursor = page("limit=10&cursor=" + cursor).get("nextCursor").asText();
        }
        vault.served.set(0);
        JsonNode deep = page("limit=10&cursor=" + cursor);
        assertThat(deep.at("/total").asInt()).isEqualTo(records.size());
        assertThat(vault.served.get()).isLessThanOrEqualTo(3 * 3 * 22 + 3);
    }

    @Test
    void walkingEveryPageGivesEachItemOnceInTheTimelinesOrder() throws Exception {
        List<Resource> records = history();
        vault.resources.addAll(records);
        vault.pageSize = 3; // FHIR pages smaller than the timeline's: ties straddle them
        List<String> expected = records.stream()
                .sorted(Comparator.comparingLong(TimelinePagingApiTest::time).reversed()
                        .thenComparing(TimelinePagingApiTest::id))
                .map(TimelinePagingApiTest::id).toList();

        for (int limit : new int[] {4, 100}) {
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode p = page("limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
                assertThat(p.at("/total").asInt()).isEqualTo(records.size());
                p.at("/days").forEach(d -> d.at("/items").forEach(i -> seen.add(i.at("/id").asText())));
                cursor = p.has("nextCursor") ? p.get("nextCursor").asText() : null;
                pages++;
            } while (cursor != null && pages < 1000);
            assertThat(seen).as("limit " + limit).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void hospitalAndDateFiltersStayFhirSearchesAndTextStillFindsEverything() throws Exception {
        List<Resource> records = history();
        vault.resources.addAll(records);
        long beijing = records.stream().filter(r -> r.getMeta().getTag().get(0).getCode().equals("hosp-beijing"))
                .count();
        assertThat(page("hospital=hosp-beijing&limit=5").at("/total").asInt()).isEqualTo((int) beijing);

        String day = new DateTimeType(new Date(1_760_000_000_000L + 40 * 86_400_000L)).getValueAsString()
                .substring(0, 10);
        JsonNode oneDay = page("from=" + day + "&to=" + day + "&limit=100");
        oneDay.at("/days").forEach(d -> assertThat(d.at("/date").asText()).isEqualTo(day));
        assertThat(oneDay.at("/total").asInt()).isEqualTo(oneDay.at("/days/0/items").size()).isPositive();

        // lab alone is not a FHIR search: the view reads the kinds whole, and still pages and counts exactly.
        JsonNode labs = page("kind=lab&limit=10");
        assertThat(labs.at("/total").asInt()).isEqualTo(402);
        assertThat(page("kind=imaging&limit=10").at("/total").asInt()).isEqualTo(11);
    }
}
