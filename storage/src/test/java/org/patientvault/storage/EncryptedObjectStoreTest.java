package org.patientvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.patientvault.storage.testing.PatternStream;

class EncryptedObjectStoreTest {

    static final int SEG = 4096;
    static final int HEADER_MIN = 4 + 2 + 1 + 4 + 7;

    final byte[] master = bytes(32, 7);
    final InMemoryObjectStore raw = new InMemoryObjectStore();
    final EncryptedObjectStore store = new EncryptedObjectStore(raw, master, SEG, 64L << 20, Duration.ofSeconds(30));

    @ParameterizedTest
    @ValueSource(ints = {0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 5 * 1024 * 1024 + 17})
    void roundTripsEverySizeAroundSegmentBoundaries(int size) throws Exception {
        byte[] data = bytes(size, size);
        StoredObject stored = store.put("patient-1", "blob/" + size, new ByteArrayInputStream(data), size,
                "application/x", true);

        assertThat(stored.size()).isEqualTo(size);
        assertThat(stored.sha256Hex()).isEqualTo(sha256(data));
        assertThat(read(store.get("blob/" + size))).isEqualTo(data);
        assertThat(store.describe("blob/" + size)).satisfies(d -> {
            assertThat(d.size()).isEqualTo(size);
            assertThat(d.sha256Hex()).isEqualTo(sha256(data));
            assertThat(d.owner()).isEqualTo("patient-1");
            assertThat(d.contentType()).isEqualTo("application/x");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG + 5})
    void unknownLengthRoundTripsToo(int size) throws Exception {
        byte[] data = bytes(size, 3);
        store.put("o", "u/" + size, new ByteArrayInputStream(data), ObjectStore.UNKNOWN_LENGTH, null, true);
        assertThat(read(store.get("u/" + size))).isEqualTo(data);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, SEG - 1, SEG, SEG + 1, 4 * SEG, 3 * 4 * SEG + 7, 1 << 20})
    void everyReadSizeGetsTheSameBytes(int bufferSize) throws Exception {
        // Whole-segment reads decrypt straight into the reader's buffer; smaller ones go through the segment buffer.
        byte[] data = bytes(13 * SEG + 123, 11);
        store.put("o", "r", new ByteArrayInputStream(data), data.length, null);
        for (InputStream in : new InputStream[] {store.get("r"), store.get("r", 0, data.length)}) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[bufferSize];
            try (in) {
                for (int n; (n = in.read(buf, 0, bufferSize)) >= 0; ) {
                    out.write(buf, 0, n);
                }
            }
            assertThat(out.toByteArray()).isEqualTo(data);
        }
        InputStream part = store.get("r", SEG + 5, 6 * SEG);
        byte[] buf = new byte[bufferSize];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int n; (n = part.read(buf, 0, bufferSize)) >= 0; ) {
            out.write(buf, 0, n);
        }
        assertThat(out.toByteArray()).isEqualTo(Arrays.copyOfRange(data, SEG + 5, 7 * SEG + 5));
    }

    @Test
    void aFullReadTakesTheSizeFromTheGetWhenTheStoreReportsIt() throws Exception {
        byte[] data = bytes(9 * SEG + 1, 12);
        store.put("o", "s", new ByteArrayInputStream(data), data.length, null);
        java.util.concurrent.atomic.AtomicInteger stats = new java.util.concurrent.atomic.AtomicInteger();
        ObjectStore sizedGets = (ObjectStore) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("stat")) {
                        stats.incrementAndGet();
                    }
                    Object result;
                    try {
                        result = method.invoke(raw, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                    return method.getName().equals("get") && args.length == 1
                            ? new SizedInputStream((InputStream) result, raw.bytes((String) args[0]).length) : result;
                });
        EncryptedObjectStore viaSized = new EncryptedObjectStore(sizedGets, master, SEG, 64L << 20, Duration.ZERO);
        assertThat(read(viaSized.get("s"))).isEqualTo(data);
        assertThat(stats.get()).as("no HEAD before a full read").isZero();
        assertThat(read(store.get("s"))).as("stores without the size fall back to a HEAD").isEqualTo(data);
    }

    @Test
    void ciphertextDoesNotContainThePlaintext() {
        byte[] data = "SECRET-DIAGNOSIS-".repeat(1000).getBytes();
        store.put("o", "k", new ByteArrayInputStream(data), data.length, null);
        String stored = new String(raw.bytes("k"), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(stored).doesNotContain("SECRET-DIAGNOSIS");
    }

    @Test
    void rangeReadsAcrossSegmentBoundariesFetchOnlyTheNeededSegments() throws Exception {
        int size = 10 * SEG + 123;
        byte[] data = bytes(size, 11);
        store.put("o", "r", new ByteArrayInputStream(data), size, null);
        long[][] ranges = {{0, 1}, {SEG - 1, 2}, {SEG - 10, SEG + 20}, {3 * SEG, SEG}, {size - 1, 1},
                {size - 200, 5000}, {0, size}, {5 * SEG + 7, 3 * SEG}, {size, 10}};
        for (long[] r : ranges) {
            raw.rangeBytesServed = 0;
            byte[] got = read(store.get("r", r[0], r[1]));
            int end = (int) Math.min(size, r[0] + r[1]);
            assertThat(got).as("range %d+%d", r[0], r[1]).isEqualTo(Arrays.copyOfRange(data, (int) r[0], end));
            long segmentsNeeded = got.length == 0 ? 0 : (end - 1) / SEG - r[0] / SEG + 1;
            // header fetch (≤ 512) plus only the covering segments
            assertThat(raw.rangeBytesServed).as("bytes fetched for %d+%d", r[0], r[1])
                    .isLessThanOrEqualTo(512 + segmentsNeeded * (SEG + 16));
        }
        assertThatThrownBy(() -> store.get("r", size + 1, 1)).isInstanceOf(StorageInputException.class)
                .hasMessageContaining("beyond the end");
    }

    @Test
    void flippedByteInAnySegmentIsDetectedAndNoBadByteIsReturned() throws Exception {
        byte[] data = bytes(3 * SEG, 5);
        store.put("o", "t", new ByteArrayInputStream(data), data.length, null);
        byte[] ct = raw.bytes("t");
        for (int pos : new int[] {headerLength(ct) + 5, headerLength(ct) + SEG + 16 + 100, ct.length - 60,
                ct.length - 1}) {
            byte[] bad = ct.clone();
            bad[pos] ^= 1;
            raw.replace("t", bad);
            assertThatThrownBy(() -> read(store.get("t"))).as("flip at %d", pos)
                    .isInstanceOf(ObjectIntegrityException.class);
        }
        // A flip in segment 1 must not leak segment 1 even when segment 0 reads fine.
        byte[] bad = ct.clone();
        bad[headerLength(ct) + SEG + 16 + 3] ^= 1;
        raw.replace("t", bad);
        InputStream in = store.get("t");
        assertThat(in.readNBytes(SEG)).isEqualTo(Arrays.copyOf(data, SEG));
        assertThatThrownBy(() -> in.readNBytes(1)).isInstanceOf(ObjectIntegrityException.class)
                .hasMessageContaining("Segment 1");
        assertThatThrownBy(() -> read(store.get("t", SEG, 10))).isInstanceOf(ObjectIntegrityException.class);
    }

    @Test
    void headerTamperIsDetected() {
        byte[] data = bytes(2 * SEG, 5);
        store.put("o", "h", new ByteArrayInputStream(data), data.length, null);
        byte[] ct = raw.bytes("h");
        byte[] bad = ct.clone();
        bad[12] ^= 1; // nonce prefix
        raw.replace("h", bad);
        assertThatThrownBy(() -> read(store.get("h"))).isInstanceOf(ObjectIntegrityException.class);
        bad = ct.clone();
        bad[headerLength(ct) - 3] ^= 1; // wrapped data key
        raw.replace("h", bad);
        assertThatThrownBy(() -> read(store.get("h"))).isInstanceOf(ObjectIntegrityException.class)
                .hasMessageContaining("Data key");
    }

    @Test
    void truncationAndExtensionAreDetected() {
        byte[] data = bytes(3 * SEG, 9);
        store.put("o", "x", new ByteArrayInputStream(data), data.length, null);
        byte[] ct = raw.bytes("x");
        int h = headerLength(ct);
        // drop the trailer, drop the last segment plus trailer, drop one byte, add bytes, drop into the header
        int[] lengths = {ct.length - 56, h + 2 * (SEG + 16) + 56, ct.length - 1, h + 10, 8};
        for (int len : lengths) {
            raw.replace("x", Arrays.copyOf(ct, len));
            assertThatThrownBy(() -> read(store.get("x"))).as("length %d", len)
                    .isInstanceOf(ObjectIntegrityException.class);
        }
        byte[] longer = Arrays.copyOf(ct, ct.length + SEG + 16);
        raw.replace("x", longer);
        assertThatThrownBy(() -> read(store.get("x"))).isInstanceOf(ObjectIntegrityException.class);
        // Cleanly cut after segment 1 with the real trailer re-appended: the last-segment flag catches it.
        byte[] cut = new byte[h + 2 * (SEG + 16) + 56];
        System.arraycopy(ct, 0, cut, 0, h + 2 * (SEG + 16));
        System.arraycopy(ct, ct.length - 56, cut, h + 2 * (SEG + 16), 56);
        raw.replace("x", cut);
        assertThatThrownBy(() -> read(store.get("x"))).isInstanceOf(ObjectIntegrityException.class);
    }

    @Test
    void reorderedSegmentsAreDetected() {
        byte[] data = bytes(3 * SEG, 13);
        store.put("o", "s", new ByteArrayInputStream(data), data.length, null);
        byte[] ct = raw.bytes("s");
        int h = headerLength(ct);
        int per = SEG + 16;
        byte[] swapped = ct.clone();
        System.arraycopy(ct, h, swapped, h + per, per);
        System.arraycopy(ct, h + per, swapped, h, per);
        raw.replace("s", swapped);
        assertThatThrownBy(() -> read(store.get("s"))).isInstanceOf(ObjectIntegrityException.class)
                .hasMessageContaining("Segment 0");
    }

    @Test
    void objectCopiedUnderAnotherKeyIsRejected() {
        byte[] data = bytes(100, 1);
        store.put("o", "a", new ByteArrayInputStream(data), data.length, null);
        raw.put("b", new ByteArrayInputStream(raw.bytes("a")), -1, null, raw.stat("a").metadata());
        assertThatThrownBy(() -> read(store.get("b"))).isInstanceOf(ObjectIntegrityException.class);
    }

    @Test
    void wrongMasterKeyIsDetected() {
        byte[] data = bytes(100, 1);
        store.put("o", "m", new ByteArrayInputStream(data), data.length, null);
        EncryptedObjectStore other = new EncryptedObjectStore(raw, bytes(32, 99), SEG, 1 << 20, Duration.ZERO);
        assertThatThrownBy(() -> read(other.get("m"))).isInstanceOf(ObjectIntegrityException.class)
                .hasMessageContaining("wrong master key");
    }

    @Test
    void destroyedOwnerKeyMakesEveryObjectOfThatOwnerUnreadableAndOnlyThose() throws Exception {
        byte[] data = bytes(2 * SEG, 2);
        store.put("alice", "a1", new ByteArrayInputStream(data), data.length, null);
        store.put("alice", "a2", new ByteArrayInputStream(data), data.length, null);
        store.put("bob", "b1", new ByteArrayInputStream(data), data.length, null);

        assertThat(store.destroyOwnerKey("alice")).isEqualTo(1);

        for (String k : new String[] {"a1", "a2"}) {
            assertThatThrownBy(() -> read(store.get(k))).isInstanceOf(OwnerKeyDestroyedException.class)
                    .hasMessageContaining("alice");
            assertThatThrownBy(() -> store.get(k, 0, 10)).isInstanceOf(OwnerKeyDestroyedException.class);
        }
        assertThat(read(store.get("b1"))).isEqualTo(data);
        // A fresh key for new data; old data stays dead.
        store.put("alice", "a3", new ByteArrayInputStream(data), data.length, null);
        assertThat(read(store.get("a3"))).isEqualTo(data);
        assertThatThrownBy(() -> read(store.get("a1"))).isInstanceOf(OwnerKeyDestroyedException.class);
    }

    @Test
    void badInputIsRefusedAndStoresNothing() {
        byte[] data = bytes(3 * SEG, 1);
        assertThatThrownBy(() -> store.put("o", "e", new ByteArrayInputStream(new byte[0]), -1, null))
                .isInstanceOfSatisfying(StorageInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageInputException.Reason.EMPTY));
        assertThatThrownBy(() -> store.put("o", "e", new ByteArrayInputStream(data), data.length + 1, null))
                .isInstanceOfSatisfying(StorageInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageInputException.Reason.TRUNCATED));
        assertThatThrownBy(() -> store.put("o", "e", new ByteArrayInputStream(data), data.length - 1, null))
                .isInstanceOfSatisfying(StorageInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageInputException.Reason.LENGTH_MISMATCH));
        EncryptedObjectStore small = new EncryptedObjectStore(raw, master, SEG, 2 * SEG, Duration.ZERO);
        assertThatThrownBy(() -> small.put("o", "e", new ByteArrayInputStream(data), -1, null))
                .isInstanceOfSatisfying(StorageInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageInputException.Reason.TOO_LARGE));
        assertThatThrownBy(() -> small.put("o", "e", new ByteArrayInputStream(data), data.length, null))
                .isInstanceOfSatisfying(StorageInputException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageInputException.Reason.TOO_LARGE));
        assertThatThrownBy(() -> store.put("bad owner!", "e", new ByteArrayInputStream(data), -1, null))
                .isInstanceOf(StorageInputException.class).hasMessageContaining("owner id");
        assertThatThrownBy(() -> store.put("o", "keys/o/x", new ByteArrayInputStream(data), -1, null))
                .isInstanceOf(StorageInputException.class).hasMessageContaining("reserved");
        assertThatThrownBy(() -> store.put("o", "../e", new ByteArrayInputStream(data), -1, null))
                .isInstanceOf(StorageInputException.class);
        assertThat(raw.exists("e")).isFalse();
    }

    @Test
    void configIsValidated() {
        assertThatThrownBy(() -> new EncryptedObjectStore(raw, new byte[16])).isInstanceOf(StorageConfigException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new EncryptedObjectStore(raw, master, 100, 1, Duration.ZERO))
                .isInstanceOf(StorageConfigException.class).hasMessageContaining("Segment size");
        assertThatThrownBy(() -> new EncryptedObjectStore(null, master)).isInstanceOf(StorageConfigException.class);
    }

    @Test
    void largeGeneratedStreamRoundTripsWithRecordedSha() throws Exception {
        // 64 MiB generated, never held by the test; the flat-heap figure (2 GiB at -Xmx512m) is in the benchmark.
        long size = 64L << 20;
        InMemoryObjectStore sink = new InMemoryObjectStore();
        EncryptedObjectStore big = new EncryptedObjectStore(sink, master);
        StoredObject s = big.put("o", "big", new PatternStream(size), size, null);
        assertThat(s.size()).isEqualTo(size);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = big.get("big")) {
            byte[] buf = new byte[8192];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(s.sha256Hex());
    }

    static int headerLength(byte[] ct) {
        return ((ct[4] & 0xff) << 8) | (ct[5] & 0xff);
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
