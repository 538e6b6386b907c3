package org.patientvault.vault.intake;

import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code vault.intake.*}: the CSV intake for clinics without FHIR.
 *
 * @param maxCsvSize largest checkup CSV accepted at {@code /intake/checkup}; larger gets 413 before parsing.
 *                   Default 10MB
 * @param zone       time zone of the examination times in uploaded files; default Asia/Shanghai
 */
@ConfigurationProperties("vault.intake")
public record IntakeProperties(DataSize maxCsvSize, ZoneId zone) {

    public IntakeProperties {
        maxCsvSize = maxCsvSize == null ? DataSize.ofMegabytes(10) : maxCsvSize;
        zone = zone == null ? ZoneId.of("Asia/Shanghai") : zone;
        if (maxCsvSize.toBytes() <= 0) {
            throw new IllegalArgumentException("vault.intake.max-csv-size must be positive, was " + maxCsvSize);
        }
    }
}
