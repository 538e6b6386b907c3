package org.patientvault.mapping.quality;

import java.time.Instant;
import java.util.List;

/**
 * What the scorecard needs to know about one scored submission; the app stores these (see
 * {@link QualityReport#toSubmissionResult}).
 *
 * @param hospitalOrgId the hospital's organization id (value under {@code https://patientvault.org/fhir/sid/org})
 * @param submittedAt   when the submission was received
 * @param score         submission score 0–1
 * @param issueCheckIds the check id of every issue (repeats allowed)
 */
public record QualitySubmissionResult(String hospitalOrgId, Instant submittedAt, double score,
        List<String> issueCheckIds) {
    public QualitySubmissionResult {
        if (hospitalOrgId == null || hospitalOrgId.isBlank()) {
            throw new QualityInputException("submission result needs a hospital organization id");
        }
        if (submittedAt == null) {
            throw new QualityInputException("submission result for " + hospitalOrgId + " needs a time");
        }
        if (!(score >= 0.0 && score <= 1.0)) {
            throw new QualityInputException("submission result for " + hospitalOrgId + " has score " + score
                    + " outside [0, 1]");
        }
        issueCheckIds = issueCheckIds == null ? List.of() : List.copyOf(issueCheckIds);
    }
}
