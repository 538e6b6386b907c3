package org.patientvault.mapping.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.MeasureReport;
import org.junit.jupiter.api.Test;

class QualityScorecardTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private static QualitySubmissionResult r(String h, String at, double score, String... checks) {
        return new QualitySubmissionResult(h, Instant.parse(at), score, List.of(checks));
    }

    private static final List<QualitySubmissionResult> RESULTS = List.of(
            r("hospital-a", "2026-11-26T01:00:00Z", 0.90, "compl.observation-unit", "compl.observation-unit"),
            r("hospital-a", "2026-11-26T17:00:00Z", 0.70, "compl.observation-unit", "plaus.value-range"), // 27th in Shanghai
            r("hospital-a", "2026-11-27T03:00:00Z", 0.80, "plaus.value-range", "conf.standard-coding"),
            r("hospital-b", "2026-11-26T02:00:00Z", 0.60, "conf.standard-coding"),
            r("hospital-b", "2026-11-27T02:00:00Z", 0.40, "conf.standard-coding"),
            r("hospital-c", "2026-11-27T02:00:00Z", 1.00));

    @Test
    void cardHasDailyTrendTopIssuesAndComparison() {
        QualityScorecard.Card a = new QualityScorecard(SHANGHAI, 2).card("hospital-a", RESULTS).orElseThrow();
        assertThat(a.submissions()).isEqualTo(3);
        assertThat(a.meanScore()).isEqualTo(0.8);
        // mean of hospital means: (0.8 + 0.5 + 1.0) / 3
        assertThat(a.allHospitalsMeanScore()).isEqualTo(0.7667);
        assertThat(a.differenceFromAllHospitals()).isEqualTo(0.0333);
        assertThat(a.rank()).isEqualTo(2);
        assertThat(a.hospitalCount()).isEqualTo(3);
        assertThat(a.from()).isEqualTo(LocalDate.of(2026, 11, 26));
        assertThat(a.to()).isEqualTo(LocalDate.of(2026, 11, 27));
        assertThat(a.trend()).extracting(QualityScorecard.DayPoint::day, QualityScorecard.DayPoint::submissions,
                QualityScorecard.DayPoint::meanScore).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(LocalDate.of(2026, 11, 26), 1, 0.9),
                        org.assertj.core.groups.Tuple.tuple(LocalDate.of(2026, 11, 27), 2, 0.75));
        // day 27 across hospitals: a 0.75, b 0.4, c 1.0
        assertThat(a.trend().get(1).allHospitalsMeanScore()).isEqualTo(0.7167);
        assertThat(a.topIssues()).extracting(QualityScorecard.IssueCount::checkId,
                QualityScorecard.IssueCount::submissionsAffected, QualityScorecard.IssueCount::occurrences)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("compl.observation-unit", 2, 3L),
                        org.assertj.core.groups.Tuple.tuple("plaus.value-range", 2, 2L));
        assertThat(a.topIssues().get(0).shareOfSubmissions()).isEqualTo(0.6667);
    }

    @Test
    void everyHospitalGetsACardAndRanksAreConsistent() {
        Map<String, QualityScorecard.Card> cards = new QualityScorecard(ZoneId.of("UTC"), 5).cards(RESULTS);
        assertThat(cards).containsOnlyKeys("hospital-a", "hospital-b", "hospital-c");
        assertThat(cards.get("hospital-c").rank()).isEqualTo(1);
        assertThat(cards.get("hospital-b").rank()).isEqualTo(3);
        assertThat(cards.get("hospital-c").topIssues()).isEmpty();
        assertThat(new QualityScorecard(SHANGHAI, 3).card("nobody", RESULTS)).isEmpty();
    }

    @Test
    void measureReportHasTheDocumentedShapeAndSerialises() {
        QualityScorecard sc = new QualityScorecard(SHANGHAI, 2);
        MeasureReport mr = sc.toMeasureReport(sc.card("hospital-a", RESULTS).orElseThrow());
        assertThat(mr.getMeasure()).isEqualTo(QualityScorecard.MEASURE_URL);
        assertThat(mr.getReporter().getIdentifier().getValue()).isEqualTo("hospital-a");
        assertThat(mr.getGroup()).extracting(g -> g.getCode().getCodingFirstRep().getCode())
                .containsExactly("submission-score", "all-hospitals", "recurring-issues");
        MeasureReport.MeasureReportGroupComponent score = mr.getGroup().get(0);
        assertThat(score.getMeasureScore().getValue()).isEqualByComparingTo("0.800");
        assertThat(score.getPopulationFirstRep().getCount()).isEqualTo(3);
        assertThat(score.getStratifierFirstRep().getStratum()).extracting(s -> s.getValue().getText())
                .containsExactly("2026-11-26", "2026-11-27");
        assertThat(mr.getGroup().get(1).getMeasureScore().getValue()).isEqualByComparingTo("0.767");
        assertThat(mr.getGroup().get(2).getStratifierFirstRep().getStratum())
                .extracting(s -> s.getValue().getCodingFirstRep().getCode())
                .containsExactly("compl.observation-unit", "plaus.value-range");
        String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(mr);
        MeasureReport back = FhirContext.forR4Cached().newJsonParser().parseResource(MeasureReport.class, json);
        assertThat(back.getGroup()).hasSize(3);
    }

    @Test
    void reportFeedsTheScorecard() {
        QualityCorpus c = QualityCorpus.clean(1).apply(QualityCorpus.Defect.MISSING_UNIT, null);
        QualityReport report = QualityScorer.withDefaults().score(c.bundle(), c.context());
        QualitySubmissionResult res = report.toSubmissionResult("hospital-a", QualityCorpus.NOW);
        assertThat(res.issueCheckIds()).containsExactly(QualityChecks.OBSERVATION_UNIT);
        assertThat(res.score()).isEqualTo(report.score());
    }

    @Test
    void badInputIsRefusedWithTypedExceptions() {
        assertThatThrownBy(() -> new QualitySubmissionResult(" ", Instant.EPOCH, 0.5, List.of()))
                .isInstanceOf(QualityInputException.class).hasMessageContaining("hospital");
        assertThatThrownBy(() -> new QualitySubmissionResult("h", Instant.EPOCH, 1.5, List.of()))
                .isInstanceOf(QualityInputException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> new QualityScorecard(SHANGHAI, 0)).isInstanceOf(QualityInputException.class);
    }
}
