package org.patientvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.binary.api.StoredDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import com.google.common.collect.HashMultimap;
import io.minio.MinioAsyncClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.IdType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.patientvault.storage.testing.PatternStream;

/** Through the MinIO SDK over HTTP against S3Proxy running as a separate process. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObjectStoreIT {

    static final long MIB = 1024 * 1024;

    S3ProxyProcess s3;
    MinioObjectStore raw;
    EncryptedObjectStore store;
    MinioAsyncClient probe;

    @BeforeAll
    void start() {
        s3 = S3ProxyProcess.start();
        raw = new MinioObjectStore(s3.settings("it-bucket").withMaxObjectSize(40 * MIB).withPartSize(5 * MIB));
        store = new EncryptedObjectStore(raw, EncryptedObjectStoreTest.bytes(32, 42), 64 * 1024, 40 * MIB,
                Duration.ofSeconds(30));
        probe = MinioAsyncClient.builder().endpoint(s3.endpoint())
                .credentials(S3ProxyProcess.ACCESS, S3ProxyProcess.SECRET).region("us-east-1").build();
    }

    @AfterAll
    void stop() {
        if (raw != null) {
            raw.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void rawPutGetRangeStatListDeleteAndBucketCreatedOnFirstUse() throws Exception {
        byte[] data = EncryptedObjectStoreTest.bytes(100_000, 1);
        ObjectInfo put = raw.put("raw/a", new ByteArrayInputStream(data), data.length, "text/plain",
                Map.of("who", "it"));
        assertThat(put.size()).isEqualTo(data.length);
        assertThat(read(raw.get("raw/a"))).isEqualTo(data);
        assertThat(read(raw.get("raw/a", 1000, 50))).isEqualTo(Arrays.copyOfRange(data, 1000, 1050));
        ObjectInfo stat = raw.stat("raw/a");
        assertThat(stat.size()).isEqualTo(data.length);
        assertThat(stat.contentType()).isEqualTo("text/plain");
        assertThat(stat.metadata()).containsEntry("who", "it");
        try (Stream<ObjectInfo> s = raw.list("raw/")) {
            assertThat(s.map(ObjectInfo::key).toList()).contains("raw/a");
        }
        assertThat(raw.exists("raw/a")).isTrue();
        raw.delete("raw/a");
        raw.delete("raw/a");
        assertThat(raw.exists("raw/a")).isFalse();
        assertThatThrownBy(() -> raw.stat("raw/a")).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> read(raw.get("raw/a"))).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    void presignedGetServesTheBytesWithoutCredentials() throws Exception {
        byte[] data = EncryptedObjectStoreTest.bytes(70_000, 2);
        raw.put("export/pkg.zip", new ByteArrayInputStream(data), data.length, "application/zip");
        java.net.URI url = raw.presignGet("export/pkg.zip", Duration.ofMinutes(5));
        HttpResponse<byte[]> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(resp.body()).isEqualTo(data);
        java.net.URI tampered = java.net.URI.create(url.toString().replace("pkg.zip", "pkg2.zip"));
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(tampered).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(403);
        assertThatThrownBy(() -> raw.presignGet("export/pkg.zip", Duration.ofDays(8)))
                .isInstanceOf(StorageInputException.class);
    }

    @Test
    void encryptedMultipartUnknownLengthRoundTripWithRangesAcrossParts() throws Exception {
        long size = 17 * MIB + 12345; // four parts of 5 MiB ciphertext
        StoredObject s = store.put("pat-7", "blob/mp", new PatternStream(size),
                ObjectStore.UNKNOWN_LENGTH, "application/dicom");
        assertThat(s.size()).isEqualTo(size);
        assertThat(sha256(store.get("blob/mp"))).isEqualTo(s.sha256Hex());
        assertThat(store.describe("blob/mp").sha256Hex()).isEqualTo(s.sha256Hex());
        byte[] whole = read(store.get("blob/mp"));
        for (long[] r : new long[][] {{5 * MIB - 100, 300}, {0, 10}, {size - 5, 100}, {10 * MIB, 2 * MIB}}) {
            int end = (int) Math.min(size, r[0] + r[1]);
            assertThat(read(store.get("blob/mp", r[0], r[1]))).isEqualTo(Arrays.copyOfRange(whole, (int) r[0], end));
        }
        assertThat(raw.stat("blob/mp").metadata()).containsEntry("pv-owner", "pat-7");
    }

    @Test
    void leftoverDetectionIsRealAControlUploadLeftOpenIsSeen() throws Exception {
        String id = probe.createMultipartUploadAsync("it-bucket", "us-east-1", "control/open", HashMultimap.create(),
                null).get().result().uploadId();
        probe.uploadPartAsync("it-bucket", "us-east-1", "control/open", new byte[10], 10, id, 1, null, null).get();
        assertThat(leftovers("control/")).isNotEmpty();
        probe.abortMultipartUploadAsync("it-bucket", "us-east-1", "control/open", id, null, null).get();
        assertThat(leftovers("control/")).isEmpty();
    }

    @Test
    void badInputsFailTypedAndLeaveNoObjectAndNoPartsBehind() throws Exception {
        // declared longer than the stream, ending in the third part
        assertThatThrownBy(() -> raw.put("bad/truncated", new PatternStream(12 * MIB), 13 * MIB, null))
                .isInstanceOfSatisfying(StorageInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageInputException.Reason.TRUNCATED));
        // stream longer than declared
        assertThatThrownBy(() -> raw.put("bad/longer", new PatternStream(11 * MIB), 10 * MIB, null))
                .isInstanceOfSatisfying(StorageInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageInputException.Reason.LENGTH_MISMATCH));
        // over the maximum, unknown length (found out mid-upload)
        assertThatThrownBy(() -> store.put("o", "bad/huge", new PatternStream(41 * MIB), -1, null))
                .isInstanceOfSatisfying(StorageInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageInputException.Reason.TOO_LARGE));
        // the client's connection dies after 7 MiB
        InputStream dying = new InputStream() {
            final InputStream in = new PatternStream(7 * MIB);

            @Override
            public int read() throws IOException {
                int r = in.read();
                if (r < 0) {
                    throw new IOException("client went away");
                }
                return r;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int r = in.read(b, off, len);
                if (r < 0) {
                    throw new IOException("client went away");
                }
                return r;
            }
        };
        assertThatThrownBy(() -> store.put("o", "bad/dying", dying, -1, null)).isInstanceOf(StorageInputException.class)
                .hasMessageContaining("client went away");
        // empty where content is required
        assertThatThrownBy(() -> store.put("o", "bad/empty", new ByteArrayInputStream(new byte[0]), -1, null))
                .isInstanceOfSatisfying(StorageInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageInputException.Reason.EMPTY));

        for (String k : List.of("bad/truncated", "bad/longer", "bad/huge", "bad/dying", "bad/empty")) {
            assertThat(raw.exists(k)).as(k).isFalse();
        }
        assertThat(leftovers("bad/")).isEmpty();
    }

    @Test
    void serverDownIsStorageUnavailableQuicklyAfterBoundedRetries() throws Exception {
        int deadPort = S3ProxyProcess.freePort();
        S3Settings settings = S3Settings.of("http://127.0.0.1:" + deadPort, "a", "b", "down-bucket")
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2))
                .withRetries(3, Duration.ofMillis(50), Duration.ofMillis(200));
        try (MinioObjectStore down = new MinioObjectStore(settings)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> down.put("k", new ByteArrayInputStream(new byte[10]), 10, null))
                    .isInstanceOf(StorageUnavailableException.class).hasMessageContaining("3 attempt");
            assertThatThrownBy(() -> new EncryptedObjectStore(down, new byte[32]).get("k"))
                    .isInstanceOf(StorageUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void cryptoShreddingThroughRealS3() throws Exception {
        byte[] data = EncryptedObjectStoreTest.bytes(300_000, 5);
        store.put("pat-shred", "blob/s1", new ByteArrayInputStream(data), data.length, null);
        store.put("pat-keep", "blob/s2", new ByteArrayInputStream(data), data.length, null);
        assertThat(raw.list("keys/pat-shred/").count()).isEqualTo(1);

        assertThat(store.destroyOwnerKey("pat-shred")).isEqualTo(1);

        assertThat(raw.list("keys/pat-shred/").count()).isZero();
        assertThatThrownBy(() -> read(store.get("blob/s1"))).isInstanceOf(OwnerKeyDestroyedException.class);
        // A second store instance (another replica, cold cache) cannot read it either.
        EncryptedObjectStore replica = new EncryptedObjectStore(raw, EncryptedObjectStoreTest.bytes(32, 42));
        assertThatThrownBy(() -> read(replica.get("blob/s1"))).isInstanceOf(OwnerKeyDestroyedException.class);
        assertThat(read(replica.get("blob/s2"))).isEqualTo(data);
    }

    @Test
    void hapiBinaryStoreAndReconcilerThroughRealS3() throws Exception {
        VaultBinaryStorageSvc svc = new VaultBinaryStorageSvc(FhirContext.forR4Cached(), store, rd -> "pat-9");
        IdType id = new IdType("Binary", "x");
        byte[] data = EncryptedObjectStoreTest.bytes(150_000, 9);
        StoredDetails kept = svc.storeBinaryContent(id, null, "image/jpeg", new ByteArrayInputStream(data),
                (RequestDetails) null);
        StoredDetails orphan = svc.storeBinaryContent(id, null, "image/jpeg", new ByteArrayInputStream(data),
                (RequestDetails) null);
        assertThat(svc.fetchBinaryContent(id, kept.getBinaryContentId())).isEqualTo(data);
        assertThat(svc.fetchBinaryContentDetails(id, kept.getBinaryContentId()).getHash()).isEqualTo(kept.getHash());

        Clock twoHoursLater = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
        ReconcileReport report = new OrphanReconciler(raw, VaultBinaryStorageSvc.OBJECT_PREFIX,
                Set.of(kept.getBinaryContentId())::contains, Duration.ofHours(1), twoHoursLater, Duration.ofMinutes(1))
                .reconcile();

        assertThat(report.deleted()).isEqualTo(1);
        assertThat(report.referenced()).isEqualTo(1);
        assertThat(raw.exists(VaultBinaryStorageSvc.objectKey(orphan.getBinaryContentId()))).isFalse();
        assertThat(svc.fetchBinaryContent(id, kept.getBinaryContentId())).isEqualTo(data);

        svc.expungeBinaryContent(id, kept.getBinaryContentId());
        assertThat(svc.fetchBinaryContentDetails(id, kept.getBinaryContentId())).isNull();
    }

    @Test
    void uploaderKilledMidUploadLeavesNoVisibleObjectAndOnePassCleansItsParts() throws Exception {
        String key = VaultBinaryStorageSvc.objectKey("killed-upload");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                KilledUploader.class.getName(), s3.endpoint(), "it-bucket", key).redirectErrorStream(true)
                .redirectOutput(s3.dataDir.resolveSibling("killed-uploader.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (leftovers("binary/killed").stream().noneMatch(l -> l.startsWith("upload"))) {
                assertThat(child.isAlive()).as("uploader still running").isTrue();
                assertThat(System.nanoTime()).as("multipart upload started within 60 s").isLessThan(deadline);
                Thread.sleep(100);
            }
            Thread.sleep(500); // let a part or two land
        } finally {
            child.destroyForcibly().waitFor(); // SIGKILL: no abort, no cleanup in the child
        }
        assertThat(raw.exists(key)).isFalse();
        assertThat(leftovers("binary/killed")).isNotEmpty();

        Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
        ReconcileReport report = new OrphanReconciler(raw, VaultBinaryStorageSvc.OBJECT_PREFIX, id -> false,
                Duration.ofHours(1), later, Duration.ofMinutes(1)).reconcile();

        assertThat(report.abortedUploads()).isGreaterThanOrEqualTo(1);
        assertThat(leftovers("binary/killed")).isEmpty();
        assertThat(raw.exists(key)).isFalse();
    }

    /** Incomplete multipart uploads the server lists, plus any part files on disk under the prefix. */
    private List<String> leftovers(String prefix) throws Exception {
        List<String> found = new java.util.ArrayList<>();
        probe.listMultipartUploadsAsync("it-bucket", "us-east-1", null, null, null, 1000, prefix, null, null, null)
                .get().result().uploads().forEach(u -> found.add("upload " + u.objectName()));
        Path bucketDir = s3.dataDir.resolve("it-bucket");
        if (Files.exists(bucketDir)) {
            try (Stream<Path> files = Files.walk(bucketDir)) {
                files.filter(Files::isRegularFile).map(p -> bucketDir.relativize(p).toString())
                        .filter(p -> p.startsWith(prefix)
                                || p.contains(prefix.replace("/", "")) && !p.startsWith("raw"))
                        .forEach(p -> found.add("file " + p));
            }
        }
        return found;
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (in) {
            byte[] buf = new byte[65536];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
