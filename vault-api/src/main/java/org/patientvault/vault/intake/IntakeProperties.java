package org.patientvault.vault.intake;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code vault.intake.*}: the CSV intake for clinics without FHIR.
 *
 * @param maxCsvSize largest checkup CSV accepted at {@code /intake/checkup}; larger gets 413 before parsing.
 *                   Default 10MB
 */
@ConfigurationProperties("vault.intake")
public record IntakeProperties(DataSize maxCsvSize) {

    public IntakeProperties {
        maxCsvSize = maxCsvSize == null ? DataSize.ofMegabytes(10) : maxCsvSize;
        if (maxCsvSize.toBytes() <= 0) {
            throw new IllegalArgumentException("vault.intake.max-csv-size must be positive, was " + maxCsvSize);
        }
    }
}
