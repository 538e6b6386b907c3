package org.patientvault.mapping.quality;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The score of one resource of a submission.
 *
 * @param index          position in the submission (Bundle entry index when a Bundle was scored)
 * @param resourceType   e.g. {@code Observation}
 * @param resourceId     the resource's id or the entry's fullUrl, may be empty
 * @param score          0–1, see {@code docs/data-quality.md}
 * @param categoryScores 0–1 per category
 * @param issues         this resource's issues
 * @param fingerprint    duplicate fingerprint (hex), or null when the type has none; the app stores it so later
 *                       submissions can detect re-sends (see {@link QualityContext.Builder#seenFingerprints})
 */
public record QualityResourceResult(int index, String resourceType, String resourceId, double score,
        Map<QualityCategory, Double> categoryScores, List<QualityIssue> issues, String fingerprint) {

    public QualityResourceResult {
        categoryScores = Map.copyOf(categoryScores);
        issues = List.copyOf(issues);
        resourceId = resourceId == null ? "" : resourceId;
    }

    public Optional<String> fingerprintIfAny() {
        return Optional.ofNullable(fingerprint);
    }
}
