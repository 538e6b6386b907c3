package org.patientvault.mapping.quality;

/**
 * Thrown when a quality configuration file (weights, analyte ranges, sex-specific codes, DICOM requirements) is
 * missing or malformed. The message names the file, the line or key, and what was expected.
 */
public class QualityConfigurationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public QualityConfigurationException(String message) {
        super(message);
    }

    public QualityConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
