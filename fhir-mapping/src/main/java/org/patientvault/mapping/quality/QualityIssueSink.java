package org.patientvault.mapping.quality;

/**
 * Where a {@link QualityCheck} reports what it found for the resource it is evaluating. The scorer supplies the
 * check id, category and resource index; the check gives the location, the message and optionally a severity other
 * than its default and an extent.
 *
 * <p>Locations are FHIRPath relative to the resource and start with its type, e.g.
 * {@code Observation.valueQuantity.unit} or {@code ImagingStudy.series[1]}. Messages must not contain national IDs.
 */
public interface QualityIssueSink {

    /** Reports an issue with the check's default severity and full extent. */
    default void report(String location, String message) {
        report(null, location, message, 1.0);
    }

    /**
     * Reports an issue.
     *
     * @param severity null for the check's default severity
     * @param location FHIRPath location relative to the resource, starting with its type
     * @param message  human-readable, for the submitter
     * @param extent   how much of the check failed, in (0, 1]; e.g. the share of non-standard codings. The penalty
     *                 of the issue is the severity penalty times the extent.
     */
    void report(QualitySeverity severity, String location, String message, double extent);
}
