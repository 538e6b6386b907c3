package org.patientvault.mapping.quality;

/**
 * One message of the base-R4 validator, as the app passes it in (the app runs HAPI's validator; this library does
 * not depend on it). Locations are FHIRPath as HAPI reports them: {@code Bundle.entry[3].resource.status} when a
 * Bundle was validated, or {@code Observation.status} when a single resource was.
 *
 * @param severity the validator severity (fatal maps to {@link QualitySeverity#ERROR})
 * @param location FHIRPath location, never null (may be empty)
 * @param message  the validator's text
 */
public record QualityValidationMessage(QualitySeverity severity, String location, String message) {
    public QualityValidationMessage {
        if (severity == null) {
            throw new QualityInputException("validation message has no severity (location '" + location + "')");
        }
        location = location == null ? "" : location.trim();
        message = message == null ? "" : message;
    }

    /** Convenience for the app: {@code of("error", "Bundle.entry[0].resource.status", "...")}. */
    public static QualityValidationMessage of(String severityCode, String location, String message) {
        return new QualityValidationMessage(QualitySeverity.fromCode(severityCode), location, message);
    }
}
