package org.patientvault.storage.internal.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import org.patientvault.storage.StorageInputException;
import org.patientvault.storage.StorageInputException.Reason;

/**
 * Pull-model encryption: reading this stream yields the PVS1 ciphertext (header, sealed segments, trailer) of the
 * plaintext read from the source. Holds one segment of plaintext and one of ciphertext, whatever the object size.
 * Enforces the declared length, the maximum size and non-emptiness by throwing {@link StorageInputException} from
 * {@code read}, before the offending segment is emitted.
 */
public final class EncryptingInputStream extends InputStream {

    private enum State { HEADER, SEGMENTS, DONE }

    private final InputStream source;
    private final String objectKey;
    private final long declaredLength;
    private final long maxLength;
    private final boolean allowEmpty;
    private final SecretKey dataKey;
    private final byte[] prefix;
    private final byte[] digest;
    private final int segmentSize;
    private final Cipher cipher = SegmentFormat.newCipher();
    private final MessageDigest sha256;
    private final byte[] plain;
    private final byte[] sealed;
    private byte[] out;
    private int outPos;
    private int outLen;
    private State state = State.HEADER;
    private long index;
    private long total;
    private int carry = -1;
    private byte[] plaintextSha256;

    /**
     * @param declaredLength exact plaintext length or -1 when unknown
     */
    public EncryptingInputStream(InputStream source, String objectKey, byte[] header, int segmentSize, byte[] prefix,
            SecretKey dataKey, long declaredLength, long maxLength, boolean allowEmpty) {
        this.source = source;
        this.objectKey = objectKey;
        this.declaredLength = declaredLength;
        this.maxLength = maxLength;
        this.allowEmpty = allowEmpty;
        this.dataKey = dataKey;
        this.prefix = prefix;
        this.digest = SegmentFormat.headerDigest(objectKey, header);
        this.segmentSize = segmentSize;
        this.plain = new byte[segmentSize];
        this.sealed = new byte[segmentSize + SegmentFormat.TAG];
        this.out = header;
        this.outLen = header.length;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Plaintext bytes consumed so far (final once this stream reached EOF). */
    public long plaintextLength() {
        return total;
    }

    /** SHA-256 of the plaintext; available once this stream reached EOF. */
    public byte[] plaintextSha256() {
        if (plaintextSha256 == null) {
            throw new IllegalStateException("stream not fully read");
        }
        return plaintextSha256.clone();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (outPos == outLen) {
            if (state == State.DONE) {
                return -1;
            }
            refill();
        }
        int n = Math.min(len, outLen - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    private void refill() throws IOException {
        if (state == State.HEADER) {
            state = State.SEGMENTS;
        }
        int n = 0;
        if (carry >= 0) {
            plain[n++] = (byte) carry;
            carry = -1;
        }
        long want = declaredLength >= 0 ? Math.min(segmentSize, declaredLength - total) : segmentSize;
        while (n < want) {
            int r = source.read(plain, n, (int) (want - n));
            if (r < 0) {
                break;
            }
            n += r;
        }
        total += n;
        if (total > maxLength) {
            throw new StorageInputException(Reason.TOO_LARGE,
                    "Content for '" + objectKey + "' exceeds the maximum of " + maxLength + " bytes");
        }
        boolean last;
        if (declaredLength >= 0) {
            if (n < want) {
                throw new StorageInputException(Reason.TRUNCATED,
                        "Content for '" + objectKey + "' ended after " + total + " of " + declaredLength
                                + " declared bytes");
            }
            last = total == declaredLength;
            if (last && source.read() != -1) {
                throw new StorageInputException(Reason.LENGTH_MISMATCH,
                        "Content for '" + objectKey + "' is longer than its declared length of " + declaredLength
                                + " bytes");
            }
        } else if (n < segmentSize) {
            last = true;
        } else {
            carry = source.read();
            last = carry < 0;
            if (!last && total + 1 > maxLength) {
                throw new StorageInputException(Reason.TOO_LARGE,
                        "Content for '" + objectKey + "' exceeds the maximum of " + maxLength + " bytes");
            }
        }
        if (last && total == 0 && !allowEmpty) {
            throw new StorageInputException(Reason.EMPTY, "Content for '" + objectKey + "' is empty");
        }
        sha256.update(plain, 0, n);
        try {
            outLen = SegmentFormat.seal(cipher, dataKey, prefix, digest, index, last ? SegmentFormat.FLAG_LAST
                    : SegmentFormat.FLAG_MORE, plain, n, sealed);
            out = sealed;
            outPos = 0;
            index++;
            if (last) {
                plaintextSha256 = sha256.digest();
                byte[] trailer = ByteBuffer.allocate(SegmentFormat.TRAILER_PLAIN).putLong(total).put(plaintextSha256)
                        .array();
                byte[] sealedTrailer = new byte[SegmentFormat.TRAILER];
                SegmentFormat.seal(cipher, dataKey, prefix, digest, index, SegmentFormat.FLAG_TRAILER, trailer,
                        trailer.length, sealedTrailer);
                byte[] both = new byte[outLen + SegmentFormat.TRAILER];
                System.arraycopy(sealed, 0, both, 0, outLen);
                System.arraycopy(sealedTrailer, 0, both, outLen, SegmentFormat.TRAILER);
                out = both;
                outLen = both.length;
                state = State.DONE;
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM sealing failed", e);
        }
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
