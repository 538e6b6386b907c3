package org.patientvault.mapping.quality;

import java.util.Locale;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;

/**
 * How much a quality issue hurts. The penalty of each severity is configured in {@link QualityWeights}; the names
 * follow FHIR's {@code OperationOutcome.issue.severity} so issues map one to one.
 */
public enum QualitySeverity {
    ERROR, WARNING, INFORMATION;

    /** Lower-case key used in the weights file, e.g. {@code severity.warning}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The matching {@code OperationOutcome.issue.severity}. */
    public IssueSeverity toIssueSeverity() {
        return switch (this) {
            case ERROR -> IssueSeverity.ERROR;
            case WARNING -> IssueSeverity.WARNING;
            case INFORMATION -> IssueSeverity.INFORMATION;
        };
    }

    /**
     * Parses a validator severity code ({@code fatal}, {@code error}, {@code warning}, {@code information}, any case).
     * {@code fatal} maps to {@link #ERROR}.
     *
     * @throws QualityInputException if the code is null or not one of those
     */
    public static QualitySeverity fromCode(String code) {
        if (code == null) {
            throw new QualityInputException("severity code is null; expected fatal, error, warning or information");
        }
        return switch (code.trim().toLowerCase(Locale.ROOT)) {
            case "fatal", "error" -> ERROR;
            case "warning" -> WARNING;
            case "information", "info" -> INFORMATION;
            default -> throw new QualityInputException(
                    "unknown severity code '" + code + "'; expected fatal, error, warning or information");
        };
    }
}
