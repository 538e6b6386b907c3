package org.patientvault.mapping.quality;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MeasureReport;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.mapping.IdentitySystems;

/**
 * Per-hospital data-quality scorecards from stored {@link QualitySubmissionResult}s: the daily score trend, the top
 * recurring issues, and the comparison with the mean across all hospitals. Available as a plain record tree
 * ({@link Card}, for JSON) and as a FHIR {@code MeasureReport} (shape in {@code docs/data-quality.md}).
 *
 * <p>"Mean across all hospitals" is the mean of the hospitals' own means, so a hospital that submits a lot does not
 * dominate it. Cost: linear in the number of results; the app passes the results of the period it wants.
 */
public final class QualityScorecard {
    public static final String MEASURE_URL = "https://patientvault.org/fhir/Measure/data-quality";
    public static final String SCORECARD_CODE_SYSTEM = "https://patientvault.org/fhir/CodeSystem/quality-scorecard";
    public static final String ORG_SYSTEM = IdentitySystems.ORGANIZATION;
    private static final String POPULATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/measure-population";

    /** One day of a hospital's trend, with the all-hospital mean of that day for comparison. */
    public record DayPoint(LocalDate day, int submissions, double meanScore, double allHospitalsMeanScore) {
    }

    /** A recurring issue: in how many submissions it appeared, how often in total, and the share of submissions. */
    public record IssueCount(String checkId, int submissionsAffected, long occurrences, double shareOfSubmissions) {
    }

    /** A hospital's scorecard. {@code rank} is 1 for the best mean among {@code hospitalCount} hospitals. */
    public record Card(String hospitalOrgId, LocalDate from, LocalDate to, int submissions, double meanScore,
            double allHospitalsMeanScore, double differenceFromAllHospitals, int rank, int hospitalCount,
            List<DayPoint> trend, List<IssueCount> topIssues) {
        public Card {
            trend = List.copyOf(trend);
            topIssues = List.copyOf(topIssues);
        }
    }

    private final ZoneId zone;
    private final int topIssues;

    /**
     * @param zone      the zone in which days are cut (e.g. {@code Asia/Shanghai})
     * @param topIssues how many recurring issues a card lists (&gt; 0)
     */
    public QualityScorecard(ZoneId zone, int topIssues) {
        if (zone == null || topIssues <= 0) {
            throw new QualityInputException("scorecard needs a zone and topIssues > 0, got " + zone + ", " + topIssues);
        }
        this.zone = zone;
        this.topIssues = topIssues;
    }

    /** Cards for every hospital in {@code results}, keyed by hospital id (sorted). */
    public Map<String, Card> cards(List<QualitySubmissionResult> results) {
        if (results == null) {
            throw new QualityInputException("scorecard results list is null");
        }
        Map<String, List<QualitySubmissionResult>> byHospital = new TreeMap<>();
        for (int i = 0; i < results.size(); i++) {
            QualitySubmissionResult r = results.get(i);
            if (r == null) {
                throw new QualityInputException("scorecard result " + i + " is null");
            }
            byHospital.computeIfAbsent(r.hospitalOrgId(), k -> new ArrayList<>()).add(r);
        }
        Map<String, Double> hospitalMeans = new HashMap<>();
        byHospital.forEach((h, list) -> hospitalMeans.put(h, mean(list)));
        double allMean = hospitalMeans.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
        // per day: mean of the hospitals' daily means
        Map<LocalDate, Map<String, List<Double>>> perDay = new TreeMap<>();
        for (QualitySubmissionResult r : results) {
            perDay.computeIfAbsent(day(r), d -> new HashMap<>())
                    .computeIfAbsent(r.hospitalOrgId(), h -> new ArrayList<>()).add(r.score());
        }
        Map<LocalDate, Double> dayAll = new HashMap<>();
        perDay.forEach((d, m) -> dayAll.put(d, m.values().stream()
                .mapToDouble(l -> l.stream().mapToDouble(Double::doubleValue).average().orElse(0))
                .average().orElse(0)));
        List<String> ranking = new ArrayList<>(hospitalMeans.keySet());
        ranking.sort(Comparator.comparing((String h) -> -hospitalMeans.get(h)).thenComparing(h -> h));

        Map<String, Card> cards = new TreeMap<>();
        byHospital.forEach((h, list) -> cards.put(h, card(h, list, hospitalMeans.get(h), allMean,
                ranking.indexOf(h) + 1, ranking.size(), dayAll)));
        return cards;
    }

    /** The card of one hospital, compared with all hospitals in {@code results}. */
    public Optional<Card> card(String hospitalOrgId, List<QualitySubmissionResult> results) {
        return Optional.ofNullable(cards(results).get(hospitalOrgId));
    }

    private Card card(String h, List<QualitySubmissionResult> list, double mean, double allMean, int rank,
            int hospitals, Map<LocalDate, Double> dayAll) {
        Map<LocalDate, List<Double>> days = new TreeMap<>();
        Map<String, Integer> affected = new HashMap<>();
        Map<String, Long> occurrences = new HashMap<>();
        for (QualitySubmissionResult r : list) {
            days.computeIfAbsent(day(r), d -> new ArrayList<>()).add(r.score());
            Set<String> seen = new HashSet<>();
            for (String id : r.issueCheckIds()) {
                occurrences.merge(id, 1L, Long::sum);
                if (seen.add(id)) {
                    affected.merge(id, 1, Integer::sum);
                }
            }
        }
        List<DayPoint> trend = new ArrayList<>();
        days.forEach((d, scores) -> trend.add(new DayPoint(d, scores.size(),
                round(scores.stream().mapToDouble(Double::doubleValue).average().orElse(0)), round(dayAll.get(d)))));
        List<IssueCount> issues = new ArrayList<>();
        affected.forEach((id, n) -> issues.add(new IssueCount(id, n, occurrences.get(id), round((double) n / list.size()))));
        issues.sort(Comparator.comparingInt(IssueCount::submissionsAffected).reversed()
                .thenComparing(Comparator.comparingLong(IssueCount::occurrences).reversed())
                .thenComparing(IssueCount::checkId));
        LocalDate from = ((TreeMap<LocalDate, List<Double>>) days).firstKey();
        LocalDate to = ((TreeMap<LocalDate, List<Double>>) days).lastKey();
        return new Card(h, from, to, list.size(), round(mean), round(allMean), round(mean - allMean), rank, hospitals,
                trend, issues.subList(0, Math.min(topIssues, issues.size())));
    }

    /**
     * The card as a FHIR MeasureReport (status complete, type summary, measure {@link #MEASURE_URL}, reporter = the
     * hospital by {@link #ORG_SYSTEM} identifier). Groups, coded under {@link #SCORECARD_CODE_SYSTEM}:
     * {@code submission-score} (measureScore = hospital mean, initial-population = submissions, stratifier
     * {@code day} with one stratum per day), {@code all-hospitals} (measureScore = mean of hospital means,
     * population = hospital count, extension-free: rank is in the group's text), and {@code recurring-issues}
     * (stratifier {@code check-id}, one stratum per top issue, population = submissions affected, measureScore =
     * share of submissions).
     */
    public MeasureReport toMeasureReport(Card card) {
        if (card == null) {
            throw new QualityInputException("toMeasureReport needs a card");
        }
        MeasureReport mr = new MeasureReport();
        mr.setStatus(MeasureReport.MeasureReportStatus.COMPLETE);
        mr.setType(MeasureReport.MeasureReportType.SUMMARY);
        mr.setMeasure(MEASURE_URL);
        mr.setReporter(new Reference().setIdentifier(new Identifier().setSystem(ORG_SYSTEM)
                .setValue(card.hospitalOrgId())));
        mr.setPeriod(new Period().setStart(Date.from(card.from().atStartOfDay(zone).toInstant()))
                .setEnd(Date.from(card.to().plusDays(1).atStartOfDay(zone).toInstant().minusMillis(1))));

        MeasureReport.MeasureReportGroupComponent score = mr.addGroup();
        score.setCode(code("submission-score", "Submission data-quality score"));
        population(score.addPopulation(), card.submissions());
        score.setMeasureScore(quantity(card.meanScore()));
        MeasureReport.MeasureReportGroupStratifierComponent byDay = score.addStratifier();
        byDay.addCode(code("day", "Day (" + zone.getId() + ")"));
        for (DayPoint p : card.trend()) {
            MeasureReport.StratifierGroupComponent s = byDay.addStratum();
            s.setValue(new CodeableConcept().setText(p.day().toString()));
            s.addPopulation().setCode(new CodeableConcept().addCoding(new Coding(POPULATION_SYSTEM,
                    "initial-population", null))).setCount(p.submissions());
            s.setMeasureScore(quantity(p.meanScore()));
        }

        MeasureReport.MeasureReportGroupComponent all = mr.addGroup();
        all.setCode(code("all-hospitals", "Mean of all hospitals' mean scores; this hospital ranks "
                + card.rank() + " of " + card.hospitalCount()));
        population(all.addPopulation(), card.hospitalCount());
        all.setMeasureScore(quantity(card.allHospitalsMeanScore()));

        MeasureReport.MeasureReportGroupComponent issues = mr.addGroup();
        issues.setCode(code("recurring-issues", "Top recurring data-quality issues"));
        population(issues.addPopulation(), card.submissions());
        MeasureReport.MeasureReportGroupStratifierComponent byCheck = issues.addStratifier();
        byCheck.addCode(code("check-id", "Quality check id"));
        for (IssueCount ic : card.topIssues()) {
            MeasureReport.StratifierGroupComponent s = byCheck.addStratum();
            s.setValue(new CodeableConcept().addCoding(new Coding(QualityScoreExtension.CHECK_CODE_SYSTEM,
                    ic.checkId(), null)));
            s.addPopulation().setCode(new CodeableConcept().addCoding(new Coding(POPULATION_SYSTEM,
                    "initial-population", null))).setCount(ic.submissionsAffected());
            s.setMeasureScore(quantity(ic.shareOfSubmissions()));
        }
        return mr;
    }

    private static void population(MeasureReport.MeasureReportGroupPopulationComponent p, int count) {
        p.setCode(new CodeableConcept().addCoding(new Coding(POPULATION_SYSTEM, "initial-population", null)));
        p.setCount(count);
    }

    private static CodeableConcept code(String code, String text) {
        return new CodeableConcept().addCoding(new Coding(SCORECARD_CODE_SYSTEM, code, null)).setText(text);
    }

    private static Quantity quantity(double v) {
        return new Quantity().setValue(BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP));
    }

    private LocalDate day(QualitySubmissionResult r) {
        return LocalDate.ofInstant(r.submittedAt(), zone);
    }

    private static double mean(List<QualitySubmissionResult> list) {
        return list.stream().mapToDouble(QualitySubmissionResult::score).average().orElse(0);
    }

    private static double round(double d) {
        return BigDecimal.valueOf(d).setScale(4, RoundingMode.HALF_UP).doubleValue();
    }
}
