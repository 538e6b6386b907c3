package org.patientvault.storage;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the S3 server and how hard to try. Build with {@link #of(String, String, String, String)} and the
 * {@code with...} methods; every value is checked here, so a bad setting fails at startup.
 *
 * @param endpoint        base URL, e.g. {@code http://127.0.0.1:9000} ({@code VAULT_S3_ENDPOINT})
 * @param accessKey       access key ({@code VAULT_S3_ACCESS_KEY})
 * @param secretKey       secret key ({@code VAULT_S3_SECRET_KEY})
 * @param bucket          bucket, created on first use ({@code VAULT_S3_BUCKET})
 * @param region          signing region (default {@code us-east-1}; set explicitly so no location lookup is made)
 * @param connectTimeout  TCP connect timeout (default 5 s)
 * @param readTimeout     socket read timeout (default 60 s)
 * @param writeTimeout    socket write timeout (default 60 s)
 * @param maxAttempts     attempts per request for transient errors, including the first (default 3)
 * @param initialBackoff  first retry delay, doubled per attempt (default 100 ms)
 * @param maxBackoff      cap on the retry delay (default 2 s)
 * @param partSize        multipart part size, also the largest single PUT and the put buffer (default 16 MiB,
 *                        5 MiB to 512 MiB)
 * @param maxObjectSize   largest object accepted by a put (default 50 GiB)
 */
public record S3Settings(
        URI endpoint,
        String accessKey,
        String secretKey,
        String bucket,
        String region,
        Duration connectTimeout,
        Duration readTimeout,
        Duration writeTimeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        long partSize,
        long maxObjectSize) {

    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    public static final long MAX_PART_SIZE = 512L * 1024 * 1024;

    public S3Settings {
        if (endpoint == null || endpoint.getScheme() == null || endpoint.getHost() == null
                || !(endpoint.getScheme().equals("http") || endpoint.getScheme().equals("https"))) {
            throw new StorageConfigException("S3 endpoint must be an http(s) URL with a host, got: " + endpoint);
        }
        requireText(accessKey, "S3 access key");
        requireText(secretKey, "S3 secret key");
        requireText(bucket, "S3 bucket");
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
            throw new StorageConfigException("S3 bucket name '" + bucket + "' is not a valid S3 bucket name");
        }
        requireText(region, "S3 region");
        requirePositive(connectTimeout, "connect timeout");
        requirePositive(readTimeout, "read timeout");
        requirePositive(writeTimeout, "write timeout");
        requirePositive(initialBackoff, "initial backoff");
        requirePositive(maxBackoff, "max backoff");
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new StorageConfigException("S3 max attempts must be 1..10, got " + maxAttempts);
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new StorageConfigException("S3 part size must be " + MIN_PART_SIZE + ".." + MAX_PART_SIZE
                    + " bytes, got " + partSize);
        }
        if (maxObjectSize < 1 || maxObjectSize > partSize * 10_000L) {
            throw new StorageConfigException("S3 max object size must be 1.." + partSize * 10_000L
                    + " bytes (10,000 parts of " + partSize + "), got " + maxObjectSize);
        }
    }

    /** Settings with every default. */
    public static S3Settings of(String endpoint, String accessKey, String secretKey, String bucket) {
        URI uri;
        try {
            uri = URI.create(Objects.requireNonNullElse(endpoint, ""));
        } catch (IllegalArgumentException e) {
            throw new StorageConfigException("S3 endpoint is not a URL: " + endpoint);
        }
        return new S3Settings(uri, accessKey, secretKey, bucket, "us-east-1", Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofSeconds(60), 3, Duration.ofMillis(100), Duration.ofSeconds(2),
                16L * 1024 * 1024, 50L * 1024 * 1024 * 1024);
    }

    public S3Settings withTimeouts(Duration connect, Duration read, Duration write) {
        return new S3Settings(endpoint, accessKey, secretKey, bucket, region, connect, read, write, maxAttempts,
                initialBackoff, maxBackoff, partSize, maxObjectSize);
    }

    public S3Settings withRetries(int attempts, Duration initial, Duration max) {
        return new S3Settings(endpoint, accessKey, secretKey, bucket, region, connectTimeout, readTimeout, writeTimeout,
                attempts, initial, max, partSize, maxObjectSize);
    }

    /** New part size; the maximum object size is lowered to 10,000 parts of it if it was larger (S3's part limit). */
    public S3Settings withPartSize(long bytes) {
        long max = bytes > 0 ? Math.min(maxObjectSize, bytes * 10_000L) : maxObjectSize;
        return new S3Settings(endpoint, accessKey, secretKey, bucket, region, connectTimeout, readTimeout, writeTimeout,
                maxAttempts, initialBackoff, maxBackoff, bytes, max);
    }

    public S3Settings withMaxObjectSize(long bytes) {
        return new S3Settings(endpoint, accessKey, secretKey, bucket, region, connectTimeout, readTimeout, writeTimeout,
                maxAttempts, initialBackoff, maxBackoff, partSize, bytes);
    }

    public S3Settings withRegion(String newRegion) {
        return new S3Settings(endpoint, accessKey, secretKey, bucket, newRegion, connectTimeout, readTimeout,
                writeTimeout, maxAttempts, initialBackoff, maxBackoff, partSize, maxObjectSize);
    }

    /** Never prints the secret key. */
    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", partSize="
                + partSize + ", maxObjectSize=" + maxObjectSize + ", maxAttempts=" + maxAttempts + "]";
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new StorageConfigException(what + " is missing");
        }
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new StorageConfigException("S3 " + what + " must be a positive duration, got " + d);
        }
    }
}
