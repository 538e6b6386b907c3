package org.patientvault.storage.internal.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import org.patientvault.storage.ObjectIntegrityException;

/**
 * Decrypts a run of sealed segments read from a ciphertext stream positioned at segment {@code first}. A segment's
 * plaintext is released only after its tag verified. With {@code verifyTrailer} (full reads), the trailer's length
 * and SHA-256 are checked against what was decrypted before EOF is reported. Holds one segment in memory.
 */
public final class DecryptingInputStream extends InputStream {

    private final InputStream ciphertext;
    private final String objectKey;
    private final SecretKey dataKey;
    private final byte[] prefix;
    private final byte[] digest;
    private final SegmentFormat.Geometry geometry;
    private final int segmentSize;
    private final long lastIndex;
    private final boolean verifyTrailer;
    private final boolean deferHashCheck;
    private volatile byte[] recordedSha256;
    private final Cipher cipher = SegmentFormat.newCipher();
    private final MessageDigest sha256;
    private final byte[] sealed;
    private final byte[] plain;
    private long index;
    private long skip;
    private long remaining;
    private int pos;
    private int len;
    private boolean done;

    public DecryptingInputStream(InputStream ciphertext, String objectKey, SegmentFormat.Header header,
            SecretKey dataKey, SegmentFormat.Geometry geometry, long first, long last, long skip, long limit,
            boolean verifyTrailer) {
        this(ciphertext, objectKey, header, dataKey, geometry, first, last, skip, limit, verifyTrailer, false);
    }

    /**
     * @param deferHashCheck with {@code verifyTrailer}: do not hash here; the caller hashes what it reads and
     *                       compares with {@link #recordedSha256()} at EOF (lets hashing run on another thread)
     */
    public DecryptingInputStream(InputStream ciphertext, String objectKey, SegmentFormat.Header header,
            SecretKey dataKey, SegmentFormat.Geometry geometry, long first, long last, long skip, long limit,
            boolean verifyTrailer, boolean deferHashCheck) {
        this.deferHashCheck = deferHashCheck;
        this.ciphertext = ciphertext;
        this.objectKey = objectKey;
        this.dataKey = dataKey;
        this.prefix = header.noncePrefix();
        this.digest = SegmentFormat.headerDigest(objectKey, header.bytes());
        this.geometry = geometry;
        this.segmentSize = header.segmentSize();
        this.index = first;
        this.lastIndex = last;
        this.skip = skip;
        this.remaining = limit;
        this.verifyTrailer = verifyTrailer;
        this.sealed = new byte[segmentSize + SegmentFormat.TAG];
        this.plain = new byte[segmentSize + SegmentFormat.TAG];
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int count) throws IOException {
        if (count == 0) {
            return 0;
        }
        while (pos == len) {
            if (done) {
                return -1;
            }
            if (skip == 0 && index <= lastIndex && count >= segmentSize && remaining >= segmentSize) {
                // The caller takes a whole segment: decrypt straight into its buffer, saving a copy per segment.
                int n = nextSegment(b, off);
                if (n > 0) {
                    return n;
                }
                continue;
            }
            nextSegment(plain, 0);
        }
        int n = Math.min(count, len - pos);
        System.arraycopy(plain, pos, b, off, n);
        pos += n;
        return n;
    }

    /**
     * Opens the next segment into {@code out} at {@code outOff} (room for a whole segment's plaintext; a failed tag
     * leaves garbage there, but the exception stops the read before anything is returned). When {@code out} is the
     * internal buffer, sets {@code pos}/{@code len} and returns 0; otherwise returns the bytes delivered into
     * {@code out}, which for this path is the whole segment (no skip, enough remaining).
     */
    private int nextSegment(byte[] out, int outOff) throws IOException {
        if (index > lastIndex || remaining == 0 && !verifyTrailer) {
            finish();
            return 0;
        }
        boolean last = index == geometry.segments() - 1;
        int ctLen = last ? geometry.lastSegmentCiphertext() : segmentSize + SegmentFormat.TAG;
        readFully(sealed, ctLen, "segment " + index);
        int n;
        try {
            n = SegmentFormat.open(cipher, dataKey, prefix, digest, index,
                    last ? SegmentFormat.FLAG_LAST : SegmentFormat.FLAG_MORE, sealed, ctLen, out, outOff);
        } catch (AEADBadTagException e) {
            throw new ObjectIntegrityException("Segment " + index + " of object '" + objectKey
                    + "' failed authentication: the object was tampered with, truncated, extended or reordered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening failed", e);
        }
        if (verifyTrailer && !deferHashCheck) {
            sha256.update(out, outOff, n);
        }
        index++;
        if (out != plain) {
            remaining -= n;
            return n;
        }
        int start = (int) Math.min(skip, n);
        skip -= start;
        int avail = (int) Math.min(n - start, remaining);
        remaining -= avail;
        pos = start;
        len = start + avail;
        return 0;
    }

    private void finish() throws IOException {
        done = true;
        pos = 0;
        len = 0;
        if (!verifyTrailer) {
            return;
        }
        byte[] trailer = new byte[SegmentFormat.TRAILER];
        readFully(trailer, trailer.length, "trailer");
        byte[] opened = new byte[SegmentFormat.TRAILER];
        try {
            SegmentFormat.open(cipher, dataKey, prefix, digest, geometry.segments(), SegmentFormat.FLAG_TRAILER,
                    trailer, trailer.length, opened);
        } catch (AEADBadTagException e) {
            throw new ObjectIntegrityException("Trailer of object '" + objectKey + "' failed authentication");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM opening failed", e);
        }
        ByteBuffer t = ByteBuffer.wrap(opened, 0, SegmentFormat.TRAILER_PLAIN);
        long recordedLength = t.getLong();
        byte[] recordedSha = new byte[32];
        t.get(recordedSha);
        if (recordedLength != geometry.plaintextLength()
                || !deferHashCheck && !MessageDigest.isEqual(recordedSha, sha256.digest())) {
            throw new ObjectIntegrityException("Object '" + objectKey
                    + "' does not match the length and SHA-256 recorded at write");
        }
        if (ciphertext.read() != -1) {
            throw new ObjectIntegrityException("Object '" + objectKey + "' has bytes after its trailer");
        }
        recordedSha256 = recordedSha;
    }

    /** The authenticated SHA-256 from the trailer, once EOF was reached with {@code verifyTrailer}; else null. */
    public byte[] recordedSha256() {
        return recordedSha256;
    }

    private void readFully(byte[] buf, int n, String what) throws IOException {
        int got = 0;
        while (got < n) {
            int r = ciphertext.read(buf, got, n - got);
            if (r < 0) {
                throw new ObjectIntegrityException("Object '" + objectKey + "' is truncated in " + what);
            }
            got += r;
        }
    }

    @Override
    public void close() throws IOException {
        ciphertext.close();
    }
}
