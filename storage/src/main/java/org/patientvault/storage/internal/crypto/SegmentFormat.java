package org.patientvault.storage.internal.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.patientvault.storage.ObjectIntegrityException;

/**
 * Layout of an encrypted object ("PVS1"), in the spirit of Tink's AES-GCM streaming AEAD:
 *
 * <pre>
 * header   magic "PVS1" | u16 headerLength | u8 version=1 | u32 segmentSize | 7-byte nonce prefix
 *          | u8 len + owner id | u8 len + owner key id | u8 len + wrapped data key
 * segments n ≥ 1 sealed segments: AES-256-GCM(dataKey, plaintext[i]) = ciphertext + 16-byte tag;
 *          every segment but the last holds exactly segmentSize plaintext bytes, the last 0..segmentSize
 * trailer  AES-256-GCM(dataKey, u64 plaintextLength | 32-byte SHA-256(plaintext)), 56 bytes
 * </pre>
 *
 * Nonce of segment i: prefix(7) | u32 i | u8 flag, flag 0 = more follow, 1 = last data segment, 2 = trailer.
 * AAD of segment i: SHA-256("pv-seg" | objectKey | 0x00 | header) | u32 i | u8 flag. So a segment moved to another
 * index or object, a dropped or added tail, and an edited header are all rejected by the tag.
 */
public final class SegmentFormat {

    public static final byte[] MAGIC = {'P', 'V', 'S', '1'};
    public static final int VERSION = 1;
    public static final int TAG = 16;
    public static final int NONCE = 12;
    public static final int PREFIX = 7;
    public static final int TRAILER_PLAIN = 8 + 32;
    public static final int TRAILER = TRAILER_PLAIN + TAG;
    /** Upper bound of a header; range reads fetch this many bytes to parse it. */
    public static final int MAX_HEADER = 512;
    public static final int MIN_SEGMENT = 4 * 1024;
    public static final int MAX_SEGMENT = 8 * 1024 * 1024;
    static final byte FLAG_MORE = 0;
    static final byte FLAG_LAST = 1;
    static final byte FLAG_TRAILER = 2;
    private static final SecureRandom RANDOM = new SecureRandom();

    private SegmentFormat() {}

    /** Parsed header of one object. */
    public record Header(int length, int segmentSize, byte[] noncePrefix, String owner, String ownerKeyId,
            byte[] wrappedDataKey, byte[] bytes) {}

    public static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    public static byte[] encodeHeader(int segmentSize, byte[] prefix, String owner, String ownerKeyId, byte[] wrapped) {
        byte[] o = owner.getBytes(StandardCharsets.UTF_8);
        byte[] k = ownerKeyId.getBytes(StandardCharsets.UTF_8);
        int len = 4 + 2 + 1 + 4 + PREFIX + 1 + o.length + 1 + k.length + 1 + wrapped.length;
        if (o.length > 255 || k.length > 255 || wrapped.length > 255 || len > MAX_HEADER) {
            throw new IllegalStateException("header fields too long");
        }
        ByteBuffer b = ByteBuffer.allocate(len);
        b.put(MAGIC).putShort((short) len).put((byte) VERSION).putInt(segmentSize).put(prefix);
        b.put((byte) o.length).put(o).put((byte) k.length).put(k).put((byte) wrapped.length).put(wrapped);
        return b.array();
    }

    /** Parses the header from the first bytes of an object ({@code available} of them are valid). */
    public static Header parseHeader(String objectKey, byte[] data, int available) {
        try {
            ByteBuffer b = ByteBuffer.wrap(data, 0, available);
            byte[] magic = new byte[4];
            b.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new ObjectIntegrityException("Object '" + objectKey
                        + "' is not a vault-encrypted object (bad magic)");
            }
            int len = Short.toUnsignedInt(b.getShort());
            int version = Byte.toUnsignedInt(b.get());
            if (version != VERSION) {
                throw new ObjectIntegrityException("Object '" + objectKey + "' has unsupported format version "
                        + version);
            }
            int segmentSize = b.getInt();
            if (segmentSize < MIN_SEGMENT || segmentSize > MAX_SEGMENT || len > available || len > MAX_HEADER) {
                throw new ObjectIntegrityException("Object '" + objectKey + "' has a corrupt header");
            }
            byte[] prefix = new byte[PREFIX];
            b.get(prefix);
            String owner = new String(field(b), StandardCharsets.UTF_8);
            String keyId = new String(field(b), StandardCharsets.UTF_8);
            byte[] wrapped = field(b);
            if (b.position() != len) {
                throw new ObjectIntegrityException("Object '" + objectKey + "' has a corrupt header (length mismatch)");
            }
            return new Header(len, segmentSize, prefix, owner, keyId, wrapped, java.util.Arrays.copyOf(data, len));
        } catch (java.nio.BufferUnderflowException e) {
            throw new ObjectIntegrityException("Object '" + objectKey + "' is truncated inside its header");
        }
    }

    private static byte[] field(ByteBuffer b) {
        byte[] f = new byte[Byte.toUnsignedInt(b.get())];
        b.get(f);
        return f;
    }

    /** Number of sealed data segments for a plaintext length (at least one, so empty objects are authenticated). */
    public static long segmentCount(long plaintextLength, int segmentSize) {
        return plaintextLength == 0 ? 1 : (plaintextLength + segmentSize - 1) / segmentSize;
    }

    public static long ciphertextLength(int headerLength, long plaintextLength, int segmentSize) {
        return headerLength + plaintextLength + TAG * segmentCount(plaintextLength, segmentSize) + TRAILER;
    }

    /** Geometry derived from a stored size: segment count and plaintext length. */
    public record Geometry(long segments, long plaintextLength, int lastSegmentCiphertext) {}

    public static Geometry geometry(String objectKey, long storedSize, Header h) {
        long body = storedSize - h.length() - TRAILER;
        long per = (long) h.segmentSize() + TAG;
        if (body < TAG) {
            throw new ObjectIntegrityException("Object '" + objectKey + "' is truncated (" + storedSize + " bytes)");
        }
        long full = body / per;
        long rest = body % per;
        if (rest != 0 && rest < TAG) {
            throw new ObjectIntegrityException("Object '" + objectKey + "' has a truncated or extended segment");
        }
        long n = rest == 0 ? full : full + 1;
        int last = (int) (rest == 0 ? per : rest);
        return new Geometry(n, body - TAG * n, last);
    }

    public static byte[] headerDigest(String objectKey, byte[] header) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update("pv-seg".getBytes(StandardCharsets.US_ASCII));
            md.update(objectKey.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(header);
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    static byte[] nonce(byte[] prefix, long index, byte flag) {
        return ByteBuffer.allocate(NONCE).put(prefix).putInt((int) index).put(flag).array();
    }

    static byte[] aad(byte[] headerDigest, long index, byte flag) {
        return ByteBuffer.allocate(headerDigest.length + 5).put(headerDigest).putInt((int) index).put(flag).array();
    }

    /** Seals plaintext into out (which needs len + TAG bytes); returns bytes written. */
    static int seal(Cipher cipher, SecretKey key, byte[] prefix, byte[] digest, long index, byte flag,
            byte[] in, int len, byte[] out) throws GeneralSecurityException {
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce(prefix, index, flag)));
        cipher.updateAAD(aad(digest, index, flag));
        return cipher.doFinal(in, 0, len, out, 0);
    }

    /** Opens a sealed segment into out; returns plaintext length. Throws {@link javax.crypto.AEADBadTagException}. */
    static int open(Cipher cipher, SecretKey key, byte[] prefix, byte[] digest, long index, byte flag,
            byte[] in, int len, byte[] out) throws GeneralSecurityException {
        return open(cipher, key, prefix, digest, index, flag, in, len, out, 0);
    }

    static int open(Cipher cipher, SecretKey key, byte[] prefix, byte[] digest, long index, byte flag,
            byte[] in, int len, byte[] out, int outOff) throws GeneralSecurityException {
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce(prefix, index, flag)));
        cipher.updateAAD(aad(digest, index, flag));
        return cipher.doFinal(in, 0, len, out, outOff);
    }

    public static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable in this JVM", e);
        }
    }

    public static SecretKey aesKey(byte[] raw) {
        return new SecretKeySpec(raw, "AES");
    }

    /** AES-GCM key wrap with a random nonce: nonce(12) | ciphertext | tag. */
    public static byte[] wrap(SecretKey kek, byte[] keyBytes, byte[] aad) {
        try {
            byte[] nonce = randomBytes(NONCE);
            Cipher c = newCipher();
            c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG * 8, nonce));
            c.updateAAD(aad);
            byte[] ct = c.doFinal(keyBytes);
            return ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key wrap failed", e);
        }
    }

    /** Inverse of {@link #wrap}; throws {@link GeneralSecurityException} when the tag does not verify. */
    public static byte[] unwrap(SecretKey kek, byte[] wrapped, byte[] aad) throws GeneralSecurityException {
        if (wrapped.length < NONCE + TAG) {
            throw new javax.crypto.AEADBadTagException("wrapped key too short");
        }
        Cipher c = newCipher();
        c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(TAG * 8, wrapped, 0, NONCE));
        c.updateAAD(aad);
        return c.doFinal(wrapped, NONCE, wrapped.length - NONCE);
    }
}
