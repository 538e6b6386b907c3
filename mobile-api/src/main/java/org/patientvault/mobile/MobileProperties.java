package org.patientvault.mobile;

import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vault.mobile.*}: limits of the patient API.
 *
 * @param pageSize      default page size of list routes; default 20
 * @param maxPageSize   largest {@code limit} a client may ask for; default 100
 * @param maxBodyBytes  largest request body accepted (JSON commands are small); default 65536
 * @param maxRecords    most records of one kind read for one timeline, trend or usage answer (newest first); default
 *                      2000. Older records beyond it are not listed (the answer says {@code truncated})
 * @param zone          the zone in which dates are grouped and consent periods start and end; default Asia/Shanghai
 */
@ConfigurationProperties("vault.mobile")
public record MobileProperties(Integer pageSize, Integer maxPageSize, Integer maxBodyBytes, Integer maxRecords,
                               ZoneId zone) {

    public MobileProperties {
        pageSize = pageSize == null ? 20 : pageSize;
        maxPageSize = maxPageSize == null ? 100 : maxPageSize;
        maxBodyBytes = maxBodyBytes == null ? 65536 : maxBodyBytes;
        maxRecords = maxRecords == null ? 2000 : maxRecords;
        zone = zone == null ? ZoneId.of("Asia/Shanghai") : zone;
        if (pageSize < 1 || maxPageSize < pageSize || maxBodyBytes < 1024 || maxRecords < 1) {
            throw new IllegalArgumentException("vault.mobile: need 1 <= page-size <= max-page-size, "
                    + "max-body-bytes >= 1024 and max-records >= 1");
        }
    }
}
