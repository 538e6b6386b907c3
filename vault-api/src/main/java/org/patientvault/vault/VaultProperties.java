package org.patientvault.vault;

import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vault.*} settings every feature shares.
 *
 * @param zone the time zone in which dates without an offset are read and days are cut: examination times in
 *             checkup files, DICOM study dates without Timezone Offset From UTC, consent periods, scorecard days.
 *             Default {@code Asia/Shanghai} ({@code VAULT_ZONE})
 */
@ConfigurationProperties("vault")
public record VaultProperties(ZoneId zone) {

    public VaultProperties {
        zone = zone == null ? ZoneId.of("Asia/Shanghai") : zone;
    }
}
