package org.patientvault.mobile.share;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vault.mobile.share.*}: SMART Health Links.
 *
 * @param maxPasscodeAttempts wrong passcodes a link survives over its lifetime (then it is dead); default 10
 * @param maxDays             longest a link may live; default 90
 * @param fileTtl             how long a manifest's file location stays valid; default 1h (the spec's ceiling)
 * @param maxLinks            live links one patient may have at once; default 50
 */
@ConfigurationProperties("vault.mobile.share")
public record ShareProperties(Integer maxPasscodeAttempts, Integer maxDays, Duration fileTtl, Integer maxLinks) {

    public ShareProperties {
        maxPasscodeAttempts = maxPasscodeAttempts == null ? 10 : maxPasscodeAttempts;
        maxDays = maxDays == null ? 90 : maxDays;
        fileTtl = fileTtl == null ? Duration.ofHours(1) : fileTtl;
        maxLinks = maxLinks == null ? 50 : maxLinks;
        if (maxLinks < 1 || maxPasscodeAttempts < 1 || maxDays < 1 || fileTtl.isNegative() || fileTtl.isZero()
                || fileTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("vault.mobile.share: need max-passcode-attempts >= 1, max-days >= 1 "
                    + "and 0 < file-ttl <= 1h");
        }
    }
}
