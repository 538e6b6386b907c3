package org.patientvault.mapping.quality;

/**
 * One data-quality finding.
 *
 * @param checkId            the stable id of the check that found it, e.g. {@code plaus.value-range}
 * @param category           the check's Kahn category
 * @param severity           effective severity (after any override in the weights file)
 * @param resourceIndex      index of the resource in the submission (the Bundle entry index when a Bundle was scored)
 * @param location           FHIRPath relative to the resource, e.g. {@code Observation.valueQuantity.unit}
 * @param submissionLocation FHIRPath in the submission: {@code Bundle.entry[3].resource.valueQuantity.unit} when a
 *                           Bundle was scored, otherwise equal to {@code location}
 * @param message            for the submitter; never carries national IDs
 * @param extent             in (0, 1]: the share of the check that failed; penalty = severity penalty × extent
 */
public record QualityIssue(String checkId, QualityCategory category, QualitySeverity severity, int resourceIndex,
        String location, String submissionLocation, String message, double extent) {

    public QualityIssue {
        if (checkId == null || checkId.isBlank() || category == null || severity == null) {
            throw new QualityInputException("quality issue needs a check id, a category and a severity (got checkId='"
                    + checkId + "', category=" + category + ", severity=" + severity + ")");
        }
        if (!(extent > 0.0 && extent <= 1.0)) {
            throw new QualityInputException("quality issue extent must be in (0, 1], got " + extent + " from check "
                    + checkId);
        }
        location = location == null ? "" : location;
        submissionLocation = submissionLocation == null ? location : submissionLocation;
        message = message == null ? "" : message;
    }
}
