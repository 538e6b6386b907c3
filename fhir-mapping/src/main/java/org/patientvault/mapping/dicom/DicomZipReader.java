package org.patientvault.mapping.dicom;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads a zip upload of a study folder as a stream and hands each DICOM instance to a consumer, one at a time.
 *
 * <p>Safety: member names with an absolute path, a drive letter or a {@code ..} segment are rejected (zip slip);
 * total and per-member inflated size, inflated/compressed ratio (per member and overall) and entry count are limited by
 * {@link DicomZipLimits}, measured on the bytes as they are inflated — sizes declared in the zip are never trusted.
 * Directories, {@code DICOMDIR}, anything under {@code __MACOSX/} and hidden files (name starting with {@code .}) are
 * skipped. Any other member must start with the 128-byte preamble and {@code DICM}, or the upload is rejected naming it.
 *
 * <p>Checks happen while streaming, so a rejection can come after earlier members were already handed to the consumer:
 * callers that need all-or-nothing must stage what they receive and discard it on {@link DicomZipException}. Memory:
 * one 132-byte header plus the inflater's buffers; the zip is never held in memory. Local headers are read in order
 * ({@link ZipInputStream}); the central directory is not consulted. Thread-safe (no state between calls).
 */
public final class DicomZipReader {
    private final DicomZipLimits limits;

    /** Receives one DICOM instance. The stream ends at the end of the member; closing it is optional and harmless. */
    @FunctionalInterface
    public interface InstanceConsumer {
        void accept(String memberName, InputStream instance) throws IOException;
    }

    /**
     * @param instances         DICOM members handed to the consumer
     * @param ignored           entries skipped (directories, DICOMDIR, hidden and {@code __MACOSX} files)
     * @param uncompressedBytes inflated bytes read in total
     */
    public record Summary(int instances, int ignored, long uncompressedBytes) {
    }

    public DicomZipReader(DicomZipLimits limits) {
        this.limits = limits;
    }

    public DicomZipReader() {
        this(DicomZipLimits.defaults());
    }

    /**
     * Streams the zip, calling {@code consumer} for every DICOM member in zip order. Does not close {@code zip}.
     *
     * @throws DicomZipException on an unsafe, oversized, bomb-like, corrupt or non-DICOM member, or no instance at all
     * @throws IOException       from the stream or the consumer
     */
    public Summary read(InputStream zip, InstanceConsumer consumer) throws IOException {
        CountingStream compressed = new CountingStream(zip);
        State state = new State();
        int entries = 0;
        int instances = 0;
        int ignored = 0;
        String name = null;
        try (ZipInputStream zin = new ZipInputStream(new NonClosing(compressed))) {
            ZipEntry entry;
            while ((entry = zin.getNextEntry()) != null) {
                name = entry.getName();
                entries++;
                if (entries > limits.maxEntries()) {
                    throw new DicomZipException(DicomZipException.Reason.TOO_MANY_ENTRIES, name,
                            "zip has more than " + limits.maxEntries() + " entries");
                }
                checkPath(name);
                if (entry.isDirectory() || ignorable(name)) {
                    ignored++;
                    // still inflate it: a bomb disguised as __MACOSX junk must hit the limits too
                    drain(new LimitedEntry(zin, name, compressed, state));
                    continue;
                }
                LimitedEntry member = new LimitedEntry(zin, name, compressed, state);
                byte[] head = member.readNBytes(132);
                if (head.length < 132 || head[128] != 'D' || head[129] != 'I' || head[130] != 'C' || head[131] != 'M') {
                    throw new DicomZipException(DicomZipException.Reason.NOT_DICOM, name,
                            "not a DICOM Part-10 file (no 'DICM' after a 128-byte preamble)");
                }
                InputStream instance = new NonClosing(new SequenceInputStream(new ByteArrayInputStream(head), member));
                consumer.accept(name, instance);
                drain(member);
                instances++;
            }
        } catch (ZipException | EOFException e) {
            throw new DicomZipException(DicomZipException.Reason.CORRUPT_ZIP, name, "corrupt or truncated zip: "
                    + e.getMessage());
        }
        if (instances == 0) {
            throw new DicomZipException(DicomZipException.Reason.NO_INSTANCES, null,
                    "zip contains no DICOM instance (" + entries + " entries)");
        }
        return new Summary(instances, ignored, state.total);
    }

    static void checkPath(String name) throws DicomZipException {
        String n = name.replace('\\', '/');
        boolean bad = n.isEmpty() || n.startsWith("/") || n.indexOf('\0') >= 0 || n.matches("^[A-Za-z]:.*");
        for (String segment : n.split("/")) {
            if (segment.equals("..")) {
                bad = true;
            }
        }
        if (bad) {
            throw new DicomZipException(DicomZipException.Reason.UNSAFE_PATH, name,
                    "unsafe member path (absolute, drive letter or '..')");
        }
    }

    static boolean ignorable(String name) {
        String n = name.replace('\\', '/');
        if (n.startsWith("__MACOSX/") || n.contains("/__MACOSX/")) {
            return true;
        }
        String base = n.substring(n.lastIndexOf('/') + 1);
        return base.startsWith(".") || base.toUpperCase(Locale.ROOT).equals("DICOMDIR");
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[65536];
        while (in.read(buf) >= 0) {
            // discard: counting and limits happen in LimitedEntry
        }
    }

    private static final class State {
        long total;
    }

    /** Inflated bytes of one member, checked against every limit as they pass. */
    private final class LimitedEntry extends InputStream {
        private final ZipInputStream zin;
        private final String name;
        private final CountingStream compressed;
        private final State state;
        private final long compressedStart;
        private long count;

        LimitedEntry(ZipInputStream zin, String name, CountingStream compressed, State state) {
            this.zin = zin;
            this.name = name;
            this.compressed = compressed;
            this.state = state;
            this.compressedStart = compressed.count;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = zin.read(b, off, len);
            } catch (ZipException | EOFException e) {
                throw new DicomZipException(DicomZipException.Reason.CORRUPT_ZIP, name, "corrupt or truncated zip: "
                        + e.getMessage());
            }
            if (n > 0) {
                count += n;
                state.total += n;
                check();
            }
            return n;
        }

        private void check() throws DicomZipException {
            if (count > limits.maxEntryUncompressed()) {
                throw new DicomZipException(DicomZipException.Reason.ENTRY_TOO_LARGE, name,
                        "member inflates to more than " + limits.maxEntryUncompressed() + " bytes");
            }
            if (state.total > limits.maxTotalUncompressed()) {
                throw new DicomZipException(DicomZipException.Reason.TOTAL_TOO_LARGE, name,
                        "zip inflates to more than " + limits.maxTotalUncompressed() + " bytes");
            }
            if (count > limits.ratioGraceBytes()) {
                double entryRatio = (double) count / Math.max(1, compressed.count - compressedStart);
                double totalRatio = (double) state.total / Math.max(1, compressed.count);
                if (entryRatio > limits.maxCompressionRatio() || totalRatio > limits.maxCompressionRatio()) {
                    throw new DicomZipException(DicomZipException.Reason.COMPRESSION_RATIO, name, String.format(Locale.ROOT,
                            "compression ratio %.0f exceeds the limit of %.0f", Math.max(entryRatio, totalRatio),
                            limits.maxCompressionRatio()));
                }
            }
        }
    }

    /** Counts bytes taken from the raw (compressed) upload. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }

    /** Keeps consumers (and ZipInputStream.close) from closing what they do not own. */
    private static final class NonClosing extends FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the owner closes the underlying stream
        }
    }
}
