package org.patientvault.mapping.quality;

/**
 * Thrown when a caller hands the quality API input it cannot use (a null resource in a submission, a malformed
 * validation message, an out-of-range score). The message says what was wrong and where. Data-quality problems in
 * the clinical content are never exceptions: they become {@link QualityIssue}s.
 */
public class QualityInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public QualityInputException(String message) {
        super(message);
    }
}
