package org.patientvault.storage;

import java.time.Instant;
import java.util.Map;

/**
 * What the S3 server knows about a stored object, without reading it.
 *
 * @param key          object key inside the bucket
 * @param size         stored size in bytes (for an encrypted object: the ciphertext size)
 * @param lastModified when the object was completed
 * @param contentType  the content type given at put, or null
 * @param metadata     user metadata given at put (lower-case keys, without the {@code x-amz-meta-} prefix)
 */
public record ObjectInfo(String key, long size, Instant lastModified, String contentType,
        Map<String, String> metadata) {
    public ObjectInfo {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
