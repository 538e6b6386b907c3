package org.patientvault.mapping.quality;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * The result of scoring one submission: the submission score, one {@link QualityResourceResult} per scored resource,
 * and helpers that turn it into what a receipt carries (OperationOutcomes, score extensions) and into a scorecard
 * input. Immutable.
 */
public final class QualityReport {
    private final double score;
    private final List<QualityResourceResult> resources;
    private final boolean fromBundle;
    private final List<String> checkFailures;

    QualityReport(double score, List<QualityResourceResult> resources, boolean fromBundle, List<String> failures) {
        this.score = score;
        this.resources = List.copyOf(resources);
        this.fromBundle = fromBundle;
        this.checkFailures = List.copyOf(failures);
    }

    /** Submission score, 0–1 (1.0 for an empty submission). */
    public double score() {
        return score;
    }

    public List<QualityResourceResult> resources() {
        return resources;
    }

    /** The result for the resource at submission index {@code index} (Bundle entry index), if it was scored. */
    public Optional<QualityResourceResult> resource(int index) {
        for (QualityResourceResult r : resources) {
            if (r.index() == index) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** All issues, in submission order. */
    public List<QualityIssue> issues() {
        List<QualityIssue> all = new ArrayList<>();
        resources.forEach(r -> all.addAll(r.issues()));
        return all;
    }

    /** Whether a Bundle was scored (issue submission locations then start with {@code Bundle.entry[n]}). */
    public boolean fromBundle() {
        return fromBundle;
    }

    /** Checks that threw (id@index: exception class); they are skipped, not counted against the data. */
    public List<String> checkFailures() {
        return checkFailures;
    }

    /** Issue counts per check id, most frequent first. */
    public Map<String, Long> issueCountsByCheck() {
        Map<String, Long> counts = new LinkedHashMap<>();
        issues().forEach(i -> counts.merge(i.checkId(), 1L, Long::sum));
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> out = new LinkedHashMap<>();
        sorted.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /**
     * All issues as one OperationOutcome (the receipt): a first informational issue with the score, then one issue
     * per finding with {@code expression} = its submission location and {@code details.coding} = the check id under
     * {@link QualityScoreExtension#CHECK_CODE_SYSTEM}. The OperationOutcome carries the score extension.
     */
    public OperationOutcome toOperationOutcome() {
        OperationOutcome oo = new OperationOutcome();
        List<QualityIssue> all = issues();
        oo.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                .setDetails(new CodeableConcept().setText("Data-quality score " + QualityScoreExtension.toDecimal(score)
                        .toPlainString() + " over " + resources.size() + " resources, " + all.size() + " issues"));
        all.forEach(i -> add(oo, i, i.submissionLocation()));
        QualityScoreExtension.stamp(oo, score);
        return oo;
    }

    /**
     * The issues of one resource as an OperationOutcome for a transaction response's {@code entry.response.outcome}
     * (locations resource-relative), carrying that resource's score.
     *
     * @throws QualityInputException if no resource was scored at {@code index}
     */
    public OperationOutcome toOperationOutcome(int index) {
        QualityResourceResult r = resource(index).orElseThrow(() -> new QualityInputException(
                "no scored resource at submission index " + index));
        OperationOutcome oo = new OperationOutcome();
        oo.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL)
                .setDetails(new CodeableConcept().setText("Data-quality score " + QualityScoreExtension
                        .toDecimal(r.score()).toPlainString() + ", " + r.issues().size() + " issues"));
        r.issues().forEach(i -> add(oo, i, i.location()));
        QualityScoreExtension.stamp(oo, r.score());
        return oo;
    }

    private static void add(OperationOutcome oo, QualityIssue i, String expression) {
        OperationOutcome.OperationOutcomeIssueComponent c = oo.addIssue();
        c.setSeverity(i.severity().toIssueSeverity());
        c.setCode(switch (i.category()) {
            case CONFORMANCE -> IssueType.STRUCTURE;
            case COMPLETENESS -> IssueType.REQUIRED;
            case PLAUSIBILITY -> IssueType.BUSINESSRULE;
        });
        CodeableConcept details = new CodeableConcept();
        details.addCoding().setSystem(QualityScoreExtension.CHECK_CODE_SYSTEM).setCode(i.checkId())
                .setDisplay(i.category().key());
        details.setText(i.message());
        c.setDetails(details);
        c.getExpression().add(new StringType(expression));
    }

    /**
     * Stamps each scored DomainResource of {@code submission} (same list as scored, same order) with its score.
     *
     * @throws QualityInputException if the list does not match the scored submission's size
     */
    public void stamp(List<? extends Resource> submission) {
        for (QualityResourceResult r : resources) {
            if (submission == null || r.index() >= submission.size()) {
                throw new QualityInputException("stamp() needs the scored submission; entry " + r.index()
                        + " is missing");
            }
            if (submission.get(r.index()) instanceof DomainResource dr) {
                QualityScoreExtension.stamp(dr, r.score());
            }
        }
    }

    /** Stamps each scored entry resource and the Bundle itself (in {@code meta}) of the scored Bundle. */
    public void stamp(Bundle bundle) {
        if (bundle == null) {
            throw new QualityInputException("stamp() needs the scored Bundle");
        }
        List<Resource> entries = new ArrayList<>();
        bundle.getEntry().forEach(e -> entries.add(e.getResource()));
        stamp(entries);
        QualityScoreExtension.stamp(bundle, score);
    }

    /** The scorecard input for this submission. */
    public QualitySubmissionResult toSubmissionResult(String hospitalOrgId, Instant submittedAt) {
        List<String> ids = new ArrayList<>();
        issues().forEach(i -> ids.add(i.checkId()));
        return new QualitySubmissionResult(hospitalOrgId, submittedAt, score, ids);
    }
}
