package org.patientvault.storage;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A bucket of opaque objects on an S3-compatible server. Stores bytes as given (no encryption: that is
 * {@link EncryptedObjectStore}'s job, layered on top).
 *
 * <p>Contract for every implementation:
 * <ul>
 *   <li>Puts are atomic: after a failed put nothing of it is visible or left behind (multipart uploads are aborted).
 *   <li>Memory does not grow with object size: puts buffer a fixed number of parts, gets stream.
 *   <li>Failures are typed: {@link StorageUnavailableException} (server down, after bounded retries),
 *       {@link StorageInputException} (bad input), {@link ObjectNotFoundException}.
 * </ul>
 * Implementations are thread-safe. Keys are 1 to 1024 bytes of UTF-8 without control characters and do not start
 * with '/'.
 */
public interface ObjectStore extends AutoCloseable {

    /** Unknown length: the stream is read to its end. */
    long UNKNOWN_LENGTH = -1;

    /**
     * Stores the stream under the key, replacing any object there. Cost: one PUT for objects below the part size,
     * otherwise a multipart upload with at most two parts buffered (one uploading, one filling).
     *
     * @param length exact byte count, or {@link #UNKNOWN_LENGTH}; a stream that ends early or runs longer fails with
     *               {@link StorageInputException} and stores nothing
     * @param contentType content type, may be null
     * @param metadata user metadata (ASCII keys and values), may be empty
     */
    ObjectInfo put(String key, InputStream data, long length, String contentType, Map<String, String> metadata);

    /** {@link #put(String, InputStream, long, String, Map)} without user metadata. */
    default ObjectInfo put(String key, InputStream data, long length, String contentType) {
        return put(key, data, length, contentType, Map.of());
    }

    /** Streams the whole object. The caller closes the stream. */
    InputStream get(String key);

    /**
     * Streams {@code length} bytes starting at {@code offset} (one ranged GET). A range that runs past the end is cut
     * at the end. The caller closes the stream.
     */
    InputStream get(String key, long offset, long length);

    /** Metadata of the object; {@link ObjectNotFoundException} if absent. One HEAD request. */
    ObjectInfo stat(String key);

    /** Whether an object exists under the key. One HEAD request. */
    boolean exists(String key);

    /** Deletes the object; deleting an absent key is not an error. */
    void delete(String key);

    /**
     * Lists objects whose key starts with the prefix (recursively). The listing is read whole (one request per page
     * of 1,000 keys, retried as one call on transient failures) before the stream is returned; used by the reconciler
     * and the key ring, whose prefixes are small. Close the stream when done early.
     */
    Stream<ObjectInfo> list(String prefix);

    /**
     * A presigned GET URL valid for {@code expiry} (1 s to 7 days). Anyone holding it can read the stored bytes
     * without credentials, so hand it only to the intended recipient. No network call.
     */
    URI presignGet(String key, Duration expiry);

    /**
     * Aborts multipart uploads under the prefix that were started before the given instant and never completed
     * (left by a process killed mid-upload; invisible to reads but holding disk). Returns how many were aborted.
     * Uploads whose start time the server does not report are treated as old only if {@code initiatedBefore} is
     * not after "now minus one day". One LIST request per 1000 uploads plus one DELETE each.
     */
    int abortIncompleteUploads(String prefix, java.time.Instant initiatedBefore);

    /** Releases connections and threads. */
    @Override
    void close();
}
