package org.patientvault.storage;

import com.google.common.collect.HashMultimap;
import com.google.common.collect.Multimap;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.Item;
import io.minio.messages.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import org.patientvault.storage.StorageInputException.Reason;
import org.patientvault.storage.internal.s3.S3Calls;
import org.patientvault.storage.internal.s3.VaultMinioClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ObjectStore} on the MinIO Java SDK, for any S3-compatible server (MinIO, S3Proxy, AWS S3).
 *
 * <p>Puts read the caller's stream one part at a time into a buffer that grows up to
 * {@link S3Settings#partSize()}: an object that fits is sent as one PUT, a larger one as a multipart upload whose
 * parts are each retried from their buffer. Part k uploads while part k+1 is read, so reading (and encrypting)
 * overlaps the network. Any failure (bad input, server down) aborts the multipart upload, so nothing
 * half-written remains. Memory per concurrent put is at most two part buffers.
 *
 * <p>Requests without a body, and buffered parts, are retried on transient errors (I/O errors, 5xx) up to
 * {@link S3Settings#maxAttempts()} with exponential backoff; an unreachable server therefore fails within about
 * {@code connectTimeout × attempts + backoffs}. A get's stream is not retried once it has started.
 */
public final class MinioObjectStore implements ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(MinioObjectStore.class);
    private static final int INITIAL_BUFFER = 64 * 1024;
    private static final String META_PREFIX = "x-amz-meta-";

    private final S3Settings settings;
    private final OkHttpClient http;
    private final VaultMinioClient client;
    private final S3Calls calls;
    private volatile boolean bucketReady;

    public MinioObjectStore(S3Settings settings) {
        if (settings == null) {
            throw new StorageConfigException("S3 settings are missing");
        }
        this.settings = settings;
        Dispatcher dispatcher = new Dispatcher();
        // The SDK runs every request through okhttp's async dispatcher, whose default of 5 per host would queue
        // concurrent uploads behind each other.
        dispatcher.setMaxRequests(128);
        dispatcher.setMaxRequestsPerHost(128);
        this.http = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectTimeout(settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .writeTimeout(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS)
                // Retries are ours (bounded, with backoff); okhttp's silent one would double them.
                .retryOnConnectionFailure(false)
                .protocols(List.of(Protocol.HTTP_1_1))
                .build();
        MinioAsyncClient base = MinioAsyncClient.builder()
                .endpoint(settings.endpoint().toString())
                .credentials(settings.accessKey(), settings.secretKey())
                .region(settings.region())
                .httpClient(http)
                .build();
        this.client = new VaultMinioClient(base);
        this.calls = new S3Calls(settings.maxAttempts(), settings.initialBackoff(), settings.maxBackoff());
    }

    /** The settings this store was built with. */
    public S3Settings settings() {
        return settings;
    }

    @Override
    public ObjectInfo put(String key, InputStream data, long length, String contentType, Map<String, String> metadata) {
        checkKey(key);
        if (data == null) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "No data stream given for '" + key + "'");
        }
        if (length < UNKNOWN_LENGTH) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "Declared length " + length + " is negative");
        }
        if (length > settings.maxObjectSize()) {
            throw new StorageInputException(Reason.TOO_LARGE, "Declared length " + length
                    + " exceeds the maximum object size of " + settings.maxObjectSize() + " bytes");
        }
        Multimap<String, String> headers = headers(contentType, metadata);
        ensureBucket();

        boolean known = length != UNKNOWN_LENGTH;
        int partSize = (int) settings.partSize();
        // Two buffers: part k uploads while part k+1 is read (and, for the encrypted store, encrypted).
        byte[][] buffers = {new byte[(int) Math.min(partSize, known ? Math.max(length, 1) : INITIAL_BUFFER)], null};
        int cur = 0;
        long total = 0;
        String uploadId = null;
        InFlight pending = null;
        List<Part> parts = new ArrayList<>();
        try {
            while (true) {
                long want = known ? Math.min(partSize, length - total) : partSize;
                byte[] buffer = buffers[cur] == null ? new byte[(int) Math.min(want, INITIAL_BUFFER)] : buffers[cur];
                int n = 0;
                while (n < want) {
                    if (n == buffer.length) {
                        buffer = ensureCapacity(buffer, (int) Math.min(want, (long) buffer.length * 2));
                    }
                    int r = data.read(buffer, n, (int) Math.min(want - n, buffer.length - n));
                    if (r < 0) {
                        break;
                    }
                    n += r;
                    if (total + n > settings.maxObjectSize()) {
                        throw new StorageInputException(Reason.TOO_LARGE,
                                "Object '" + key + "' exceeds the maximum object size of " + settings.maxObjectSize()
                                        + " bytes");
                    }
                }
                buffers[cur] = buffer;
                total += n;
                boolean end;
                if (known) {
                    if (n < want) {
                        throw new StorageInputException(Reason.TRUNCATED,
                                "Stream for '" + key + "' ended after " + total + " of " + length + " declared bytes");
                    }
                    end = total == length;
                    if (end && data.read() != -1) {
                        throw new StorageInputException(Reason.LENGTH_MISMATCH,
                                "Stream for '" + key + "' is longer than its declared length of " + length + " bytes");
                    }
                } else {
                    end = n < partSize;
                }
                if (uploadId == null && end) {
                    final byte[] body = buffer;
                    final int len = n;
                    calls.run("put object", key, () -> client.putBytes(settings.bucket(), settings.region(), key, body,
                            len, headers).get());
                    return new ObjectInfo(key, total, Instant.now(), contentType, metadata);
                }
                if (uploadId == null) {
                    uploadId = calls.run("create multipart upload", key, () -> client.createMultipartUploadAsync(
                            settings.bucket(), settings.region(), key, headers, null).get().result().uploadId());
                }
                if (pending != null) {
                    parts.add(finish(key, uploadId, pending));
                    pending = null;
                }
                if (n > 0) {
                    pending = startPart(key, uploadId, buffer, n, parts.size() + 1);
                    cur ^= 1;
                }
                if (end || n == 0) {
                    if (pending != null) {
                        parts.add(finish(key, uploadId, pending));
                        pending = null;
                    }
                    final String id = uploadId;
                    final Part[] done = parts.toArray(new Part[0]);
                    calls.run("complete multipart upload", key, () -> client.completeMultipartUploadAsync(
                            settings.bucket(), settings.region(), key, id, done, null, null).get());
                    return new ObjectInfo(key, total, Instant.now(), contentType, metadata);
                }
            }
        } catch (IOException e) {
            settle(pending);
            abort(key, uploadId);
            throw new StorageInputException(Reason.TRUNCATED,
                    "Reading the stream for '" + key + "' failed after " + total + " bytes: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            settle(pending);
            abort(key, uploadId);
            throw e;
        }
    }

    /** A part upload in progress, with what is needed to send it again. */
    private record InFlight(java.util.concurrent.CompletableFuture<io.minio.UploadPartResponse> future, byte[] body,
            int length, int partNumber) {}

    private InFlight startPart(String key, String uploadId, byte[] body, int length, int partNumber) {
        java.util.concurrent.CompletableFuture<io.minio.UploadPartResponse> f;
        try {
            f = client.uploadPartAsync(settings.bucket(), settings.region(), key, body, length, uploadId, partNumber,
                    null, null);
        } catch (Exception e) {
            f = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        return new InFlight(f, body, length, partNumber);
    }

    /** Waits for an in-flight part; a transient failure is retried synchronously from the still-held buffer. */
    private Part finish(String key, String uploadId, InFlight p) {
        try {
            return new Part(p.partNumber(), p.future().get().etag());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("Interrupted while uploading a part", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (!S3Calls.isTransient(e.getCause())) {
                throw S3Calls.translate("upload part", key, e, 1);
            }
            return new Part(p.partNumber(), calls.run("upload part", key, () -> client.uploadPartAsync(
                    settings.bucket(), settings.region(), key, p.body(), p.length(), uploadId, p.partNumber(), null,
                    null).get()).etag());
        }
    }

    /** Lets an in-flight part finish before the upload is aborted, so no part lands after the abort. */
    private static void settle(InFlight p) {
        if (p == null) {
            return;
        }
        try {
            p.future().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException ignored) {
            // The upload is being aborted anyway.
        }
    }

    private void abort(String key, String uploadId) {
        if (uploadId == null) {
            return;
        }
        try {
            calls.run("abort multipart upload", key, () -> client.abortMultipartUploadAsync(settings.bucket(),
                    settings.region(), key, uploadId, null, null).get());
        } catch (ObjectNotFoundException gone) {
            // Already aborted or never created on the server: nothing remains.
        } catch (StorageException e) {
            // Why only a warning: the caller gets the original failure; an un-aborted upload is invisible to reads and
            // expires by the server's lifecycle rule.
            LOG.warn("Could not abort a failed multipart upload ({}); it holds no visible object",
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public InputStream get(String key) {
        checkKey(key);
        ensureBucket();
        io.minio.GetObjectResponse response = calls.run("get object", key, () -> client.getObject(
                GetObjectArgs.builder().bucket(settings.bucket()).region(settings.region()).object(key).build()).get());
        String length = response.headers().get("Content-Length");
        if (length == null) {
            return response;
        }
        try {
            return new SizedInputStream(response, Long.parseLong(length.trim()));
        } catch (NumberFormatException e) {
            return response;
        }
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        checkKey(key);
        if (offset < 0 || length < 0) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT,
                    "Byte range offset " + offset + " length " + length + " is negative for '" + key + "'");
        }
        if (length == 0) {
            return new ByteArrayInputStream(new byte[0]);
        }
        ensureBucket();
        return calls.run("get object range", key, () -> client.getObject(GetObjectArgs.builder()
                .bucket(settings.bucket()).region(settings.region()).object(key).offset(offset).length(length).build())
                .get());
    }

    @Override
    public ObjectInfo stat(String key) {
        checkKey(key);
        ensureBucket();
        StatObjectResponse r = calls.run("stat object", key, () -> client.statObject(
                StatObjectArgs.builder().bucket(settings.bucket()).region(settings.region()).object(key).build())
                .get());
        Map<String, String> meta = new HashMap<>();
        r.userMetadata().forEach((k, v) -> meta.put(k.toLowerCase(Locale.ROOT), v));
        return new ObjectInfo(key, r.size(), r.lastModified() == null ? null : r.lastModified().toInstant(),
                r.contentType(), meta);
    }

    @Override
    public boolean exists(String key) {
        try {
            stat(key);
            return true;
        } catch (ObjectNotFoundException e) {
            return false;
        }
    }

    @Override
    public void delete(String key) {
        checkKey(key);
        ensureBucket();
        try {
            calls.run("delete object", key, () -> client.removeObject(
                    RemoveObjectArgs.builder().bucket(settings.bucket()).region(settings.region()).object(key).build())
                    .get());
        } catch (ObjectNotFoundException e) {
            // Idempotent by contract.
        }
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) {
        if (prefix == null) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "List prefix is missing (use \"\" for all)");
        }
        ensureBucket();
        // The listing is read whole inside the retrying call: a page fetched lazily while the caller iterates could
        // not be retried, and a pooled connection the server closed in the meantime fails exactly there
        // ("unexpected end of stream"). Listings here are per owner or per reconciliation prefix, so they are small.
        List<ObjectInfo> listed = calls.run("list objects", prefix, () -> {
            List<ObjectInfo> all = new java.util.ArrayList<>();
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(settings.bucket())
                    .region(settings.region()).prefix(prefix).recursive(true).build())) {
                Item item = result.get();
                all.add(new ObjectInfo(item.objectName(), item.size(),
                        item.lastModified() == null ? null : item.lastModified().toInstant(), null, Map.of()));
            }
            return all;
        });
        return listed.stream();
    }

    @Override
    public URI presignGet(String key, Duration expiry) {
        checkKey(key);
        if (expiry == null || expiry.getSeconds() < 1 || expiry.compareTo(Duration.ofDays(7)) > 0) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "Presign expiry must be 1 s to 7 days, got "
                    + expiry);
        }
        ensureBucket();
        String url = calls.run("presign", key, () -> client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET).bucket(settings.bucket()).region(settings.region()).object(key)
                .expiry((int) expiry.getSeconds()).build()));
        return URI.create(url);
    }

    @Override
    public int abortIncompleteUploads(String prefix, Instant initiatedBefore) {
        if (prefix == null || initiatedBefore == null) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "Prefix and cut-off are required");
        }
        ensureBucket();
        int aborted = 0;
        String keyMarker = null;
        String uploadIdMarker = null;
        while (true) {
            final String km = keyMarker;
            final String um = uploadIdMarker;
            io.minio.messages.ListMultipartUploadsResult page = calls.run("list multipart uploads", prefix,
                    () -> client.listMultipartUploadsAsync(settings.bucket(), settings.region(), null, null, km, 1000,
                            prefix, um, null, null).get().result());
            for (io.minio.messages.Upload u : page.uploads()) {
                Instant started = u.initiated() == null ? null : u.initiated().toInstant();
                boolean old = started != null ? started.isBefore(initiatedBefore)
                        : !initiatedBefore.isAfter(Instant.now().minus(Duration.ofDays(1)));
                if (old) {
                    abort(u.objectName(), u.uploadId());
                    aborted++;
                }
            }
            if (!page.isTruncated()) {
                return aborted;
            }
            keyMarker = page.nextKeyMarker();
            uploadIdMarker = page.nextUploadIdMarker();
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private void ensureBucket() {
        if (bucketReady) {
            return;
        }
        synchronized (this) {
            if (bucketReady) {
                return;
            }
            String bucket = settings.bucket();
            boolean exists = calls.run("check bucket", bucket, () -> client.bucketExists(
                    BucketExistsArgs.builder().bucket(bucket).region(settings.region()).build()).get());
            if (!exists) {
                try {
                    calls.run("create bucket", bucket, () -> client.makeBucket(
                            MakeBucketArgs.builder().bucket(bucket).region(settings.region()).build()).get());
                    LOG.info("Created bucket {}", bucket);
                } catch (StorageUnavailableException e) {
                    // Another replica may have created it between our check and our create.
                    if (!(e.getCause() instanceof ErrorResponseException ere && ere.errorResponse() != null
                            && ere.errorResponse().code().startsWith("BucketAlready"))) {
                        throw e;
                    }
                }
            }
            bucketReady = true;
        }
    }

    private static byte[] ensureCapacity(byte[] buffer, int capacity) {
        return buffer.length >= capacity ? buffer : java.util.Arrays.copyOf(buffer, capacity);
    }

    private static Multimap<String, String> headers(String contentType, Map<String, String> metadata) {
        Multimap<String, String> headers = HashMultimap.create();
        if (contentType != null && !contentType.isBlank()) {
            if (!isHeaderSafe(contentType)) {
                throw new StorageInputException(Reason.INVALID_ARGUMENT,
                        "Content type contains non-ASCII or control characters");
            }
            headers.put("Content-Type", contentType);
        }
        if (metadata != null) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || !e.getKey().matches("[A-Za-z0-9-]{1,64}") || e.getValue() == null
                        || !isHeaderSafe(e.getValue())) {
                    throw new StorageInputException(Reason.INVALID_ARGUMENT,
                            "User metadata entry '" + e.getKey()
                                    + "' must have an [A-Za-z0-9-] name and a printable ASCII value");
                }
                headers.put(META_PREFIX + e.getKey().toLowerCase(Locale.ROOT), e.getValue());
            }
        }
        return headers;
    }

    private static boolean isHeaderSafe(String s) {
        return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "Object key is missing");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > 1024) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "Object key is longer than 1024 bytes");
        }
        if (key.startsWith("/") || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '\\')) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT,
                    "Object key '" + key.replaceAll("\\p{Cntrl}", "?")
                            + "' starts with '/' or contains a control character or backslash");
        }
        if (key.endsWith("/") || key.contains("//")) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT,
                    "Object key '" + key + "' has an empty path segment");
        }
        for (String segment : key.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new StorageInputException(Reason.INVALID_ARGUMENT,
                        "Object key '" + key + "' has a '.' or '..' segment");
            }
        }
    }
}
