package org.patientvault.vault.objects;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code vault.s3.*}: the object store every byte outside PostgreSQL goes to (DESIGN §3), with the storage module's
 * defaults. Secrets are never logged ({@link #toString()} omits them).
 *
 * @param endpoint          S3 base URL ({@code VAULT_S3_ENDPOINT}); empty = embedded S3Proxy on loopback under
 *                          {@code $VAULT_DATA_DIR/objects} with random credentials per start
 * @param accessKey         ({@code VAULT_S3_ACCESS_KEY}); required with an endpoint
 * @param secretKey         ({@code VAULT_S3_SECRET_KEY}); required with an endpoint; never logged
 * @param bucket            ({@code VAULT_S3_BUCKET}), created on first use; default {@code vault}
 * @param region            signing region; default {@code us-east-1}
 * @param connectTimeout    default 5s
 * @param readTimeout       default 60s
 * @param writeTimeout      default 60s
 * @param maxAttempts       attempts per request for transient errors; default 3
 * @param initialBackoff    default 100ms, doubled per attempt
 * @param maxBackoff        default 2s
 * @param partSize          multipart part size; default 16MB (5MB..512MB)
 * @param maxObjectSize     largest object; default 50GB
 * @param segmentSize       encryption segment size; default 64KB (4KB..8MB)
 * @param ownerKeyTtl       per-patient key cache lifetime; default 30s
 * @param inlineThreshold   Binary / Attachment content from this size on goes to the object store; default 64KB
 * @param maxBinarySize     largest Binary / Attachment content; default 2GB
 * @param reconcileInterval how often unreferenced objects are swept; default 1h; 0 disables the schedule
 * @param orphanGrace       minimum age of an unreferenced object before the sweep deletes it; default 1h (≥ 1m)
 */
@ConfigurationProperties("vault.s3")
public record ObjectStorageProperties(String endpoint, String accessKey, String secretKey, String bucket,
                                      String region, Duration connectTimeout, Duration readTimeout,
                                      Duration writeTimeout, Integer maxAttempts, Duration initialBackoff,
                                      Duration maxBackoff, DataSize partSize, DataSize maxObjectSize,
                                      DataSize segmentSize, Duration ownerKeyTtl, DataSize inlineThreshold,
                                      DataSize maxBinarySize, Duration reconcileInterval, Duration orphanGrace) {

    public ObjectStorageProperties {
        bucket = bucket == null || bucket.isBlank() ? "vault" : bucket;
        region = region == null || region.isBlank() ? "us-east-1" : region;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        readTimeout = readTimeout == null ? Duration.ofSeconds(60) : readTimeout;
        writeTimeout = writeTimeout == null ? Duration.ofSeconds(60) : writeTimeout;
        maxAttempts = maxAttempts == null ? 3 : maxAttempts;
        initialBackoff = initialBackoff == null ? Duration.ofMillis(100) : initialBackoff;
        maxBackoff = maxBackoff == null ? Duration.ofSeconds(2) : maxBackoff;
        partSize = partSize == null ? DataSize.ofMegabytes(16) : partSize;
        maxObjectSize = maxObjectSize == null ? DataSize.ofGigabytes(50) : maxObjectSize;
        segmentSize = segmentSize == null ? DataSize.ofKilobytes(64) : segmentSize;
        ownerKeyTtl = ownerKeyTtl == null ? Duration.ofSeconds(30) : ownerKeyTtl;
        inlineThreshold = inlineThreshold == null ? DataSize.ofKilobytes(64) : inlineThreshold;
        maxBinarySize = maxBinarySize == null ? DataSize.ofGigabytes(2) : maxBinarySize;
        reconcileInterval = reconcileInterval == null ? Duration.ofHours(1) : reconcileInterval;
        orphanGrace = orphanGrace == null ? Duration.ofHours(1) : orphanGrace;
    }

    boolean external() {
        return endpoint != null && !endpoint.isBlank();
    }

    @Override
    public String toString() {
        return "ObjectStorageProperties[endpoint=" + endpoint + ", bucket=" + bucket + "]";
    }
}
