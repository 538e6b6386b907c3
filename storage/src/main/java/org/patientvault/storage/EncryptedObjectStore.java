package org.patientvault.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.patientvault.storage.StorageInputException.Reason;
import org.patientvault.storage.internal.crypto.CryptoWarmup;
import org.patientvault.storage.internal.crypto.DecryptingInputStream;
import org.patientvault.storage.internal.crypto.EncryptingInputStream;
import org.patientvault.storage.internal.crypto.OwnerKeyring;
import org.patientvault.storage.internal.crypto.ReadAheadInputStream;
import org.patientvault.storage.internal.crypto.SegmentFormat;

/**
 * Envelope-encrypted objects on an {@link ObjectStore}: AES-256-GCM in fixed-size sealed segments, one random data
 * key per object, wrapped by a per-owner key (e.g. per patient), itself wrapped by the 32-byte master key.
 * Format and key hierarchy: {@code docs/storage.md}.
 *
 * <p>Guarantees: a tampered, truncated, extended, reordered or moved object is reported with
 * {@link ObjectIntegrityException} and no unauthenticated byte is returned; full reads verify the plaintext
 * SHA-256 recorded at write; {@link #destroyOwnerKey(String)} makes every object of that owner unreadable
 * ({@link OwnerKeyDestroyedException}). Streaming throughout: memory per put is one segment plus the underlying
 * store's part buffers; a full get of two or more segments decrypts on a pool thread, at most two chunks of four
 * segments ahead (four reused chunk buffers, 1 MiB with 64 KiB segments), while the caller's thread hashes. Neither
 * grows with object size.
 *
 * <p>Cost: a put is one S3 put (plus a list and a key read per owner per cache TTL). A full get is one GET (plus a
 * HEAD on stores that do not report the size with it);
 * a range get is a HEAD, a small header GET and one ranged GET over just the segments covering the range.
 * Keys under {@code keys/} are reserved for owner keys. Thread-safe.
 */
public final class EncryptedObjectStore {

    /** Default plaintext bytes per sealed segment. */
    public static final int DEFAULT_SEGMENT_SIZE = 64 * 1024;
    /** Default owner-key cache lifetime: how long a destroy on another replica can lag here. */
    public static final Duration DEFAULT_OWNER_KEY_TTL = Duration.ofSeconds(30);
    static final String META_OWNER = "pv-owner";
    static final String META_FORMAT = "pv-format";
    /** Objects of at least this many segments are read with decryption and hashing on two threads. */
    static final int READ_AHEAD_MIN_SEGMENTS = 2;
    /** Segments per read-ahead hand-off (256 KiB with the default segment size), at most 1 MiB per chunk. */
    static final int READ_AHEAD_SEGMENTS_PER_CHUNK = 4;
    static final int READ_AHEAD_MAX_CHUNK = 1024 * 1024;
    /** Decrypted chunks queued ahead of the reader; with the one being read and the one being filled, the buffers. */
    static final int READ_AHEAD_DEPTH = 2;
    private static final java.util.concurrent.ExecutorService READ_AHEAD = java.util.concurrent.Executors
            .newCachedThreadPool(r -> {
                Thread t = new Thread(r, "storage-read-ahead");
                t.setDaemon(true);
                return t;
            });
    private static final String OWNER_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private final ObjectStore store;
    private final SecretKey masterKey;
    private final int segmentSize;
    private final long maxObjectSize;
    private final OwnerKeyring keyring;

    /** With defaults: 64 KiB segments, maximum object size 50 GiB, 30 s owner-key cache. */
    public EncryptedObjectStore(ObjectStore store, byte[] masterKey) {
        this(store, masterKey, DEFAULT_SEGMENT_SIZE, 50L * 1024 * 1024 * 1024, DEFAULT_OWNER_KEY_TTL);
    }

    /**
     * @param store          where ciphertext and wrapped owner keys go
     * @param masterKey      exactly 32 bytes (AES-256); copied
     * @param segmentSize    plaintext bytes per segment, 4 KiB to 8 MiB (stored per object, so it can change later)
     * @param maxObjectSize  largest plaintext a put accepts
     * @param ownerKeyTtl    owner-key cache lifetime (zero disables caching)
     */
    public EncryptedObjectStore(ObjectStore store, byte[] masterKey, int segmentSize, long maxObjectSize,
            Duration ownerKeyTtl) {
        if (store == null) {
            throw new StorageConfigException("Object store is missing");
        }
        if (masterKey == null || masterKey.length != 32) {
            throw new StorageConfigException("Master key must be exactly 32 bytes, got "
                    + (masterKey == null ? "none" : masterKey.length + " bytes"));
        }
        if (segmentSize < SegmentFormat.MIN_SEGMENT || segmentSize > SegmentFormat.MAX_SEGMENT) {
            throw new StorageConfigException("Segment size must be " + SegmentFormat.MIN_SEGMENT + ".."
                    + SegmentFormat.MAX_SEGMENT + " bytes, got " + segmentSize);
        }
        if (maxObjectSize < 1) {
            throw new StorageConfigException("Maximum object size must be positive, got " + maxObjectSize);
        }
        if (ownerKeyTtl == null || ownerKeyTtl.isNegative()) {
            throw new StorageConfigException("Owner key cache TTL must be zero or positive, got " + ownerKeyTtl);
        }
        this.store = store;
        this.masterKey = SegmentFormat.aesKey(masterKey.clone());
        this.segmentSize = segmentSize;
        this.maxObjectSize = maxObjectSize;
        this.keyring = new OwnerKeyring(store, this.masterKey, ownerKeyTtl, Clock.systemUTC());
        CryptoWarmup.startOnce();
    }

    /** The underlying store (for listing, reconciling and presigning non-confidential artefacts). */
    public ObjectStore objects() {
        return store;
    }

    /** Largest plaintext a put accepts. */
    public long maxObjectSize() {
        return maxObjectSize;
    }

    /** {@link #put(String, String, InputStream, long, String, boolean)} refusing empty content. */
    public StoredObject put(String owner, String key, InputStream data, long length, String contentType) {
        return put(owner, key, data, length, contentType, false);
    }

    /**
     * Encrypts the stream under the owner's key and stores it under {@code key}; the object is complete when this
     * returns (write it before committing any reference to it). On any failure nothing is stored.
     *
     * @param owner  key owner id: 1 to 64 of {@code [A-Za-z0-9._-]}, starting with a letter or digit
     * @param length plaintext length or {@link ObjectStore#UNKNOWN_LENGTH}
     * @param allowEmpty whether zero bytes are acceptable ({@link StorageInputException.Reason#EMPTY} otherwise)
     * @return plaintext size and SHA-256
     */
    public StoredObject put(String owner, String key, InputStream data, long length, String contentType,
            boolean allowEmpty) {
        return put(owner, key, data, length, contentType, allowEmpty, maxObjectSize);
    }

    /** As above with a tighter size limit for this put (e.g. HAPI's maximum binary size). */
    StoredObject put(String owner, String key, InputStream data, long length, String contentType,
            boolean allowEmpty, long maxObjectSize) {
        checkOwner(owner);
        checkDataKey(key);
        if (data == null) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "No data stream given for '" + key + "'");
        }
        if (length < ObjectStore.UNKNOWN_LENGTH) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "Declared length " + length + " is negative");
        }
        if (length > maxObjectSize) {
            throw new StorageInputException(Reason.TOO_LARGE, "Declared length " + length
                    + " exceeds the maximum of " + maxObjectSize + " bytes");
        }
        if (length == 0 && !allowEmpty) {
            throw new StorageInputException(Reason.EMPTY, "Content for '" + key + "' is empty");
        }
        OwnerKeyring.OwnerKey ownerKey = keyring.current(owner);
        byte[] dataKey = SegmentFormat.randomBytes(32);
        byte[] wrapped = SegmentFormat.wrap(ownerKey.key(), dataKey, dataKeyAad(key, owner, ownerKey.keyId()));
        byte[] prefix = SegmentFormat.randomBytes(SegmentFormat.PREFIX);
        byte[] header = SegmentFormat.encodeHeader(segmentSize, prefix, owner, ownerKey.keyId(), wrapped);
        EncryptingInputStream ciphertext = new EncryptingInputStream(data, key, header, segmentSize, prefix,
                SegmentFormat.aesKey(dataKey), length, maxObjectSize, allowEmpty);
        long cipherLength = length < 0 ? ObjectStore.UNKNOWN_LENGTH
                : SegmentFormat.ciphertextLength(header.length, length, segmentSize);
        ObjectInfo info = store.put(key, ciphertext, cipherLength, contentType,
                Map.of(META_OWNER, owner, META_FORMAT, "PVS1"));
        return new StoredObject(key, owner, ciphertext.plaintextLength(),
                HexFormat.of().formatHex(ciphertext.plaintextSha256()), contentType, info.lastModified());
    }

    /**
     * Streams and verifies the whole plaintext. Integrity failures surface as {@link ObjectIntegrityException} from
     * {@code read}; the final read before EOF checks length and SHA-256.
     */
    public InputStream get(String key) {
        checkDataKey(key);
        InputStream raw = store.get(key);
        try {
            // The size comes with the GET when the store reports it (MinIO does); otherwise one HEAD.
            long size = raw instanceof SizedInputStream sized ? sized.size() : store.stat(key).size();
            byte[] head = new byte[6];
            readFully(raw, head, 0, 6, key);
            int headerLength = Short.toUnsignedInt(ByteBuffer.wrap(head, 4, 2).getShort());
            if (headerLength < 6 || headerLength > SegmentFormat.MAX_HEADER) {
                SegmentFormat.parseHeader(key, head, 6);
                throw new ObjectIntegrityException("Object '" + key + "' has a corrupt header");
            }
            byte[] headerBytes = java.util.Arrays.copyOf(head, headerLength);
            readFully(raw, headerBytes, 6, headerLength - 6, key);
            SegmentFormat.Header header = SegmentFormat.parseHeader(key, headerBytes, headerLength);
            SegmentFormat.Geometry g = SegmentFormat.geometry(key, size, header);
            if (g.segments() < READ_AHEAD_MIN_SEGMENTS) {
                return new DecryptingInputStream(raw, key, header, dataKey(key, header), g, 0, g.segments() - 1, 0,
                        g.plaintextLength(), true);
            }
            DecryptingInputStream decrypting = new DecryptingInputStream(raw, key, header, dataKey(key, header), g, 0,
                    g.segments() - 1, 0, g.plaintextLength(), true, true);
            // Hand-offs of several segments at a time: fewer thread wake-ups, which cost most on a loaded machine.
            int chunk = (int) Math.min((long) header.segmentSize() * READ_AHEAD_SEGMENTS_PER_CHUNK,
                    Math.max(header.segmentSize(), READ_AHEAD_MAX_CHUNK));
            return new ReadAheadInputStream(decrypting, READ_AHEAD, chunk, READ_AHEAD_DEPTH, decrypting::recordedSha256,
                    key);
        } catch (RuntimeException | IOException e) {
            closeQuietly(raw);
            if (e instanceof IOException io) {
                throw new StorageUnavailableException("Reading object '" + key + "' failed", io);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Streams {@code length} plaintext bytes from {@code offset}, decrypting only the segments that cover them (one
     * ranged GET). A range running past the end is cut at the end; an offset past the end is
     * {@link StorageInputException}. Partial reads are authenticated per segment but do not check the SHA-256.
     */
    public InputStream get(String key, long offset, long length) {
        checkDataKey(key);
        if (offset < 0 || length < 0) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT,
                    "Byte range offset " + offset + " length " + length + " is negative for '" + key + "'");
        }
        ObjectInfo info = store.stat(key);
        SegmentFormat.Header header = readHeader(key, info.size());
        SegmentFormat.Geometry g = SegmentFormat.geometry(key, info.size(), header);
        if (offset > g.plaintextLength()) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "Range offset " + offset
                    + " is beyond the end of '" + key + "' (" + g.plaintextLength() + " bytes)");
        }
        long len = Math.min(length, g.plaintextLength() - offset);
        if (len == 0) {
            return new ByteArrayInputStream(new byte[0]);
        }
        SecretKey dataKey = dataKey(key, header);
        long per = (long) header.segmentSize() + SegmentFormat.TAG;
        long first = offset / header.segmentSize();
        long last = (offset + len - 1) / header.segmentSize();
        long start = header.length() + first * per;
        long end = header.length() + last * per + (last == g.segments() - 1 ? g.lastSegmentCiphertext() : per);
        InputStream raw = store.get(key, start, end - start);
        return new DecryptingInputStream(raw, key, header, dataKey, g, first, last,
                offset - first * header.segmentSize(), len, false);
    }

    /**
     * Plaintext size, SHA-256, owner and content type, from the authenticated trailer (HEAD plus two small ranged
     * GETs; no segment is decrypted).
     */
    public StoredObject describe(String key) {
        checkDataKey(key);
        ObjectInfo info = store.stat(key);
        SegmentFormat.Header header = readHeader(key, info.size());
        SegmentFormat.Geometry g = SegmentFormat.geometry(key, info.size(), header);
        SecretKey dataKey = dataKey(key, header);
        byte[] trailer = new byte[SegmentFormat.TRAILER];
        try (InputStream in = store.get(key, info.size() - SegmentFormat.TRAILER, SegmentFormat.TRAILER)) {
            readFully(in, trailer, 0, trailer.length, key);
        } catch (IOException e) {
            throw new StorageUnavailableException("Reading the trailer of '" + key + "' failed", e);
        }
        byte[] digest = SegmentFormat.headerDigest(key, header.bytes());
        try {
            Cipher c = SegmentFormat.newCipher();
            byte[] nonce = ByteBuffer.allocate(SegmentFormat.NONCE).put(header.noncePrefix()).putInt((int) g.segments())
                    .put((byte) 2).array();
            c.init(Cipher.DECRYPT_MODE, dataKey, new GCMParameterSpec(128, nonce));
            c.updateAAD(ByteBuffer.allocate(digest.length + 5).put(digest).putInt((int) g.segments()).put((byte) 2)
                    .array());
            ByteBuffer t = ByteBuffer.wrap(c.doFinal(trailer));
            long recorded = t.getLong();
            byte[] sha = new byte[32];
            t.get(sha);
            if (recorded != g.plaintextLength()) {
                throw new ObjectIntegrityException("Object '" + key + "' is not the length recorded at write");
            }
            return new StoredObject(key, header.owner(), recorded, HexFormat.of().formatHex(sha), info.contentType(),
                    info.lastModified());
        } catch (AEADBadTagException e) {
            throw new ObjectIntegrityException("Trailer of object '" + key + "' failed authentication");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Whether an object exists under the key (does not check it can be decrypted). */
    public boolean exists(String key) {
        checkDataKey(key);
        return store.exists(key);
    }

    /** Deletes the object; absent keys are not an error. */
    public void delete(String key) {
        checkDataKey(key);
        store.delete(key);
    }

    /**
     * Crypto-shredding: deletes every key of the owner, so every object encrypted under them becomes permanently
     * unreadable ({@link OwnerKeyDestroyedException}), even copies in backups of the bucket that lack the key
     * objects. Later puts for the same owner get a fresh key. Other replicas notice within their owner-key cache
     * TTL. Requires bucket versioning to be off (or key versions to be purged), or old key versions survive.
     *
     * @return number of key objects deleted (0 if the owner had none)
     */
    public int destroyOwnerKey(String owner) {
        checkOwner(owner);
        return keyring.destroy(owner);
    }

    private SegmentFormat.Header readHeader(String key, long size) {
        int n = (int) Math.min(SegmentFormat.MAX_HEADER, size);
        byte[] buf = new byte[n];
        try (InputStream in = store.get(key, 0, n)) {
            readFully(in, buf, 0, n, key);
        } catch (IOException e) {
            throw new StorageUnavailableException("Reading the header of '" + key + "' failed", e);
        }
        return SegmentFormat.parseHeader(key, buf, n);
    }

    private SecretKey dataKey(String key, SegmentFormat.Header header) {
        SecretKey ownerKey = keyring.byId(header.owner(), header.ownerKeyId());
        try {
            return SegmentFormat.aesKey(SegmentFormat.unwrap(ownerKey, header.wrappedDataKey(),
                    dataKeyAad(key, header.owner(), header.ownerKeyId())));
        } catch (GeneralSecurityException e) {
            throw new ObjectIntegrityException("Data key of object '" + key
                    + "' does not verify: its header was altered or the object was copied from another key");
        }
    }

    private static byte[] dataKeyAad(String key, String owner, String keyId) {
        return ("pv-dek|" + key + "|" + owner + "|" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    private static void readFully(InputStream in, byte[] buf, int off, int n, String key) throws IOException {
        int got = 0;
        while (got < n) {
            int r = in.read(buf, off + got, n - got);
            if (r < 0) {
                throw new ObjectIntegrityException("Object '" + key + "' is truncated inside its header or trailer");
            }
            got += r;
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // The original failure is what the caller needs.
        }
    }

    static void checkOwner(String owner) {
        if (owner == null || !owner.matches(OWNER_PATTERN)) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "Key owner id '" + owner
                    + "' must be 1 to 64 of [A-Za-z0-9._-], starting with a letter or digit");
        }
    }

    private static void checkDataKey(String key) {
        MinioObjectStore.checkKey(key);
        if (key.startsWith(OwnerKeyring.PREFIX)) {
            throw new StorageInputException(Reason.INVALID_ARGUMENT, "Keys under '" + OwnerKeyring.PREFIX
                    + "' are reserved for owner keys: '" + key + "'");
        }
    }
}
