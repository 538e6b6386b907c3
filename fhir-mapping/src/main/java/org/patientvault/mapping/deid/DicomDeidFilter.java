package org.patientvault.mapping.deid;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.patientvault.mapping.deid.internal.DateShift;
import org.patientvault.mapping.deid.internal.PiiPatterns;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomElement;
import org.patientvault.mapping.dicom.DicomParseException;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.mapping.dicom.DicomTransferSyntax;
import org.patientvault.mapping.dicom.DicomValueException;
import org.patientvault.mapping.dicom.DicomVr;
import org.patientvault.mapping.dicom.DicomWriteException;
import org.patientvault.mapping.dicom.DicomWriter;

/**
 * The single-pass streaming filter behind {@link DicomDeidentifier}: each element header is parsed from one reused
 * 64 KiB input buffer, its action is looked up in {@link DicomActions}, a kept value is copied from the input buffer
 * straight into the output buffer, the few changed ones (dates, UIDs, PatientID, age) are rewritten there, sequences are
 * filtered recursively, and the Pixel Data value is then copied through the same input buffer. No element objects, no
 * tag maps, no per-value arrays (values over 64 KiB in the header excepted).
 *
 * <p>The de-identified header is held in the output buffer (one growable {@code byte[]}) until Pixel Data is reached,
 * because the exclusion check needs Burned In Annotation, which follows most identifying elements; only then is
 * anything written. The output is byte for byte what parse, modify and {@link DicomWriter} produced before (sequences
 * and items of undefined length, group lengths dropped, odd values padded, the file meta group rebuilt, elements in
 * ascending tag order: a dataset whose input is out of order or holds a tag twice is sorted at its end, the last
 * occurrence winning, as the tag map did). The reader's rules and error messages are those of {@code Part10Parser}.
 *
 * <p>One per thread and instance at a time (not thread-safe); reused across instances.
 */
final class DicomDeidFilter {
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final long TOP_LEVEL = -2;
    private static final long UNTIL_ITEM_DELIMITER = -1;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    /** {@code DicomReadOptions.metadataOnly()}: the limits the parse-modify-write path read with. */
    private static final long MAX_VALUE = 1L << 30;
    private static final int MAX_DEPTH = 16;
    private static final int BUFFER = 65536;
    private static final int OUT_INITIAL = 16384;
    /** An output buffer grown past this by one large header is dropped after the instance. */
    private static final int OUT_KEEP = 1 << 20;

    /** Element handling: de-identify, copy unchanged (Pixel Data inside items), or parse and drop. */
    private static final int PROCESS = 0;
    private static final int VERBATIM = 1;
    private static final int DISCARD = 2;

    private static final String DICOM_ROOT = "1.2.840.10008.";
    private static final int PATIENT_ID = 0x00100020;
    private static final int PATIENT_AGE = 0x00101010;
    private static final int BURNED_IN_ANNOTATION = 0x00280301;
    private static final Pattern UNKNOWN_DATE = Pattern.compile("[0-9]{8}.*");

    static final int RULE_X = 0;
    static final int RULE_Z = 1;
    static final int RULE_D = 2;
    static final int RULE_U = 3;
    static final int RULE_C = 4;
    static final int RULE_IN_TEXT = 5;
    static final int RULE_BAD_DATE = 6;
    static final String[] RULE_IDS = {"dicom:X", "dicom:Z", "dicom:D", "dicom:U", "dicom:C",
        "dicom:identifier-in-text", "dicom:unparseable-date"};

    /* The de-identification marks, in tag order, inserted into the top-level dataset (fixed ASCII, padded once). */
    private static final int[] MARK_TAGS = {0x00120062, 0x00120063, 0x00120064, 0x00280303};
    private static final byte[] YES = padded("YES", DicomVr.CS);
    private static final byte[] METHOD = padded(DicomDeidentifier.METHOD_TEXT, DicomVr.LO);
    private static final byte[] MODIFIED = padded("MODIFIED", DicomVr.CS);
    private static final byte[] DCM = padded("DCM", DicomVr.SH);
    private static final byte[][] CODE_VALUES = {padded("113100", DicomVr.SH), padded("113107", DicomVr.SH),
        padded("113108", DicomVr.SH)};
    private static final byte[][] CODE_MEANINGS = {padded("Basic Application Confidentiality Profile", DicomVr.LO),
        padded("Retain Longitudinal Temporal Information Modified Dates Option", DicomVr.LO),
        padded("Retain Patient Characteristics Option", DicomVr.LO)};
    private static final byte[] IMPLEMENTATION_CLASS_UID = padded(DicomWriter.IMPLEMENTATION_CLASS_UID, DicomVr.UI);
    private static final byte[] IMPLEMENTATION_VERSION_NAME = padded(DicomWriter.IMPLEMENTATION_VERSION_NAME, DicomVr.SH);
    private static final byte[][] VR_NAMES = new byte[DicomVr.values().length][];

    static {
        for (DicomVr vr : DicomVr.values()) {
            VR_NAMES[vr.ordinal()] = vr.name().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final DicomActions actions = DicomActions.basic();

    // input: one buffer for the header and then for the pixel copy; ibase is the stream offset of ib[0]
    private final byte[] ib = new byte[BUFFER];
    private int ip;
    private int il;
    private long ibase;
    private InputStream src;
    /** Whether {@link #need} compacted the buffer (then original bytes may sit anywhere in it). */
    private boolean moved;
    /** How far from its start the pixel copy has overwritten the buffer with pixel data. */
    private int overwritten;
    /** The buffer is cleared up to here after the instance, unless {@link #overwritten} covers it; -1: {@link #high}. */
    private int scrubTo;
    /** The highest buffer index this instance's bytes reached. */
    private int high;
    /** The value last made available by {@link #value}: in {@link #ib} or, above 64 KiB, its own array. */
    private byte[] vb;
    private int vo;

    // output: the de-identified header, then the pixel data header, then the file meta group (written first)
    private byte[] ob = new byte[OUT_INITIAL];
    private int op;
    private boolean outImplicit;

    /** Segments of the datasets being written: tag and output offset of each element, for sorting rare bad input. */
    private int[] segTag = new int[64];
    private int[] segOff = new int[64];
    private int segN;

    // per instance
    boolean inUse;
    private DeidRelease release;
    private String patientId;
    private boolean implicit;
    private int markNext;
    private String transferSyntax;
    String burnedIn;
    String modality;
    String sopClassIn;
    String sopClassOut;
    String sopInstanceOut;
    String studyOut;
    String seriesOut;
    boolean pixelFound;
    private DicomVr pixelVr;
    private long pixelLength;
    final int[] rules = new int[RULE_IDS.length];
    int removed;
    int inText;
    int residentIds;
    int mobiles;
    Map<String, String> uids;
    /** A failure the old path raised while de-identifying (after the exclusion check): thrown then. */
    RuntimeException processFailure;
    /** A failure the old path's writer raised: thrown after the report is updated and the SOP UIDs checked. */
    DicomWriteException writeFailure;
    private int shift;
    private String pseudonym;
    private boolean patientKnown;
    /** Last Specific Character Set value resolved, and its charset (instances of one study share it). */
    private byte[] charsetRaw;
    private Charset charsetResolved;

    /**
     * Parses the file meta group and the dataset up to Pixel Data (or the end), de-identifying into the output buffer.
     * Returns the transfer syntax UID; the caller decides exclusion from the captured values, then calls
     * {@link #writeTo}. Nothing is written to any stream here.
     */
    String readHeader(DeidRelease release, String patientId, InputStream in) throws IOException {
        reset(release, patientId, in);
        scrubTo = -1; // until the header has been read (an exception): everything this instance put in the buffer
        preambleAndMeta();
        String ts = transferSyntax;
        if (DicomTransferSyntax.EXPLICIT_VR_BIG_ENDIAN.equals(ts)
                || DicomTransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(ts)) {
            scrubTo = moved ? high : il;
            return ts;
        }
        if (!isUidSyntax(ts)) {
            throw new DicomParseException("malformed Transfer Syntax UID '" + ts + "'", pos(),
                    DicomTags.TransferSyntaxUID);
        }
        implicit = DicomTransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.equals(ts);
        outImplicit = implicit;
        dataset(TOP_LEVEL, 0, StandardCharsets.ISO_8859_1, PROCESS);
        // original header bytes are in ib[0, ip) (then Pixel Data), or anywhere below the high-water mark once the buffer
        // was compacted
        scrubTo = moved ? high : pixelFound ? ip : il;
        return ts;
    }

    /** {@code [0-9]+(\.[0-9]+)*} without a regex (once per instance, but a regex match costs as much as an element). */
    private static boolean isUidSyntax(String s) {
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '.' && digit) {
                digit = false;
            } else {
                return false;
            }
        }
        return digit;
    }

    private void reset(DeidRelease release, String patientId, InputStream in) {
        moved = false;
        overwritten = 0;
        high = 0;
        this.release = release;
        this.patientId = patientId;
        src = in;
        ip = 0;
        il = 0;
        ibase = 0;
        op = 0;
        segN = 0;
        implicit = false;
        outImplicit = false;
        markNext = 0;
        transferSyntax = null;
        burnedIn = null;
        modality = null;
        sopClassIn = null;
        sopClassOut = null;
        sopInstanceOut = null;
        studyOut = null;
        seriesOut = null;
        pixelFound = false;
        pixelVr = null;
        pixelLength = 0;
        Arrays.fill(rules, 0);
        removed = 0;
        inText = 0;
        residentIds = 0;
        mobiles = 0;
        uids = new LinkedHashMap<>();
        processFailure = null;
        writeFailure = null;
        patientKnown = false;
    }

    /** The input buffer itself (tests). */
    byte[] inputBuffer() {
        return ib;
    }

    /** Drops references to the caller's objects and an output buffer grown by an unusually large header. */
    void release() {
        // The input buffer lives on with the thread: the original (identifying) header bytes of this instance must not.
        // Usually the pixel copy has overwritten them already; otherwise clear the part that held them (about 1 KiB).
        int limit = scrubTo < 0 ? high : scrubTo;
        if (overwritten < limit) {
            Arrays.fill(ib, 0, limit, (byte) 0);
        }
        src = null;
        release = null;
        patientId = null;
        vb = null;
        uids = null;
        if (ob.length > OUT_KEEP) {
            ob = new byte[OUT_INITIAL];
        }
    }

    /**
     * Writes the file meta group, the de-identified header and the Pixel Data value (copied through {@link #ib}) to
     * {@code out}. Returns the pixel data bytes copied.
     */
    long writeTo(OutputStream out) throws IOException {
        int datasetEnd = op;
        if (pixelFound) {
            putTag(DicomTags.PixelData);
            if (outImplicit) {
                putU32(pixelLength < 0 ? UNDEFINED : pixelLength);
            } else {
                ensureOut(8);
                ob[op++] = 'O';
                ob[op++] = (byte) (pixelVr == DicomVr.OW ? 'W' : 'B');
                ob[op++] = 0;
                ob[op++] = 0;
                putU32(pixelLength < 0 ? UNDEFINED : pixelLength);
            }
        }
        int headerEnd = op;
        writeMeta();
        out.write(ob, headerEnd, op - headerEnd);
        out.write(ob, 0, headerEnd);
        op = datasetEnd;
        if (!pixelFound) {
            return 0;
        }
        if (pixelLength >= 0) {
            copy(out, pixelLength);
            return pixelLength;
        }
        long total = 0;
        while (true) {
            if (need(8) < 8) {
                throw new DicomParseException("truncated: encapsulated Pixel Data ends without a sequence delimiter", -1,
                        DicomTags.PixelData);
            }
            int tag = u16(ib, ip) << 16 | u16(ib, ip + 2);
            long len = u32(ib, ip + 4);
            out.write(ib, ip, 8);
            ip += 8;
            if (tag == DicomTags.SequenceDelimitationItem) {
                return total;
            }
            if (tag != DicomTags.Item || len == UNDEFINED) {
                throw new DicomParseException("malformed fragment in encapsulated Pixel Data", -1, DicomTags.PixelData);
            }
            copy(out, len);
            total += len;
        }
    }

    /** Copies {@code n} bytes: what the header read left in the buffer, then straight from the source in 64 KiB reads. */
    private void copy(OutputStream out, long n) throws IOException {
        long left = n;
        int a = (int) Math.min(il - ip, left);
        if (a > 0) {
            out.write(ib, ip, a);
            ip += a;
            left -= a;
        }
        if (left == 0) {
            return;
        }
        ibase += il;
        ip = 0;
        il = 0;
        while (left > 0) {
            int r = src.read(ib, 0, (int) Math.min(BUFFER, left));
            if (r < 0) {
                throw new DicomParseException("truncated: Pixel Data ends " + left + " bytes early", -1,
                        DicomTags.PixelData);
            }
            out.write(ib, 0, r);
            overwritten = Math.max(overwritten, r);
            ibase += r;
            left -= r;
        }
    }

    // ---------------------------------------------------------------- input

    private long pos() {
        return ibase + ip;
    }

    /** Makes up to {@code n} (at most 64 KiB) bytes available at {@link #ip}; returns how many are (fewer only at EOF). */
    private int need(int n) throws IOException {
        int have = il - ip;
        if (have >= n) {
            return n;
        }
        if (ip > 0) {
            moved = true;
            System.arraycopy(ib, ip, ib, 0, have);
            ibase += ip;
            ip = 0;
            il = have;
        }
        while (il < n) {
            int r = src.read(ib, il, BUFFER - il);
            if (r < 0) {
                break;
            }
            il += r;
        }
        if (il > high) {
            high = il;
        }
        return Math.min(n, il);
    }

    /** Consumes up to {@code n} header bytes; returns how many (fewer only at EOF). They stay at {@code ib[ip - n]}. */
    private int header(int n) throws IOException {
        int got = need(n);
        ip += got;
        return got;
    }

    /** Consumes a value of {@code length} bytes and makes it available at {@link #vb}/{@link #vo}. */
    private void value(int length, int tag) throws IOException {
        if (length <= BUFFER) {
            int got = need(length);
            if (got < length) {
                ip += got;
                throw truncatedValue(length, got, tag);
            }
            vb = ib;
            vo = ip;
            ip += length;
            return;
        }
        // a large header value (LUT, icon, waveform): its own array, grown as data arrives like readNBytes did
        byte[] b = new byte[Math.min(length, 1 << 20)];
        int n = 0;
        while (n < length) {
            if (n == b.length) {
                b = Arrays.copyOf(b, (int) Math.min(length, 2L * b.length));
            }
            int got = need(Math.min(BUFFER, b.length - n));
            if (got == 0) {
                throw truncatedValue(length, n, tag);
            }
            System.arraycopy(ib, ip, b, n, got);
            ip += got;
            n += got;
        }
        vb = b;
        vo = 0;
    }

    private DicomParseException truncatedValue(int length, int got, int tag) {
        return new DicomParseException("truncated: value needs " + length + " bytes, stream ended after " + got, pos(),
                tag);
    }

    private DicomParseException truncated(int tag) {
        return new DicomParseException("truncated: unexpected end of stream", pos(), tag);
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] b, int off) {
        return u16(b, off) | (long) u16(b, off + 2) << 16;
    }

    private void checkLength(long length, int tag, long start) throws DicomParseException {
        if (length > MAX_VALUE || length > MAX_ARRAY) {
            throw new DicomParseException("value length " + length + " exceeds the limit of "
                    + Math.min(MAX_VALUE, MAX_ARRAY) + " bytes", start, tag);
        }
    }

    // ---------------------------------------------------------------- meta

    private void preambleAndMeta() throws IOException {
        int got = need(132);
        if (got < 132) {
            ip += got;
            throw new DicomParseException("not a DICOM Part-10 file: only " + got
                    + " bytes, expected a 128-byte preamble and 'DICM'", pos(), -1);
        }
        if (ib[128] != 'D' || ib[129] != 'I' || ib[130] != 'C' || ib[131] != 'M') {
            throw new DicomParseException("not a DICOM Part-10 file: 'DICM' prefix missing after the preamble", 128, -1);
        }
        ip += 132;
        while (true) {
            int p = need(2);
            if (p == 0) {
                break;
            }
            if (p < 2) {
                throw new DicomParseException("truncated: stream ends inside a tag", pos(), -1);
            }
            if (u16(ib, ip) != 0x0002) {
                break;
            }
            element(header(8), TOP_LEVEL, 0, StandardCharsets.ISO_8859_1, DISCARD);
        }
        if (transferSyntax == null) {
            throw new DicomParseException("file meta information has no Transfer Syntax UID (0002,0010)", pos(),
                    DicomTags.TransferSyntaxUID);
        }
    }

    /** The file meta group as {@link DicomWriter} builds it, appended to the output buffer. */
    private void writeMeta() throws IOException {
        boolean savedImplicit = outImplicit;
        outImplicit = false;
        ensureOut(132);
        Arrays.fill(ob, op, op + 128, (byte) 0);
        op += 128;
        ob[op++] = 'D';
        ob[op++] = 'I';
        ob[op++] = 'C';
        ob[op++] = 'M';
        header(DicomTags.FileMetaInformationGroupLength, DicomVr.UL, 4);
        int lengthAt = op;
        putU32(0);
        putValue(DicomTags.FileMetaInformationVersion, DicomVr.OB, new byte[] {0, 1});
        // DicomWriter encoded these with ISO 8859-1 (the charset UI values are decoded with), not US-ASCII
        putText(DicomTags.MediaStorageSOPClassUID, DicomVr.UI, sopClassOut, true);
        putText(DicomTags.MediaStorageSOPInstanceUID, DicomVr.UI, sopInstanceOut, true);
        putText(DicomTags.TransferSyntaxUID, DicomVr.UI, transferSyntax, true);
        putValue(DicomTags.ImplementationClassUID, DicomVr.UI, IMPLEMENTATION_CLASS_UID);
        putValue(DicomTags.ImplementationVersionName, DicomVr.SH, IMPLEMENTATION_VERSION_NAME);
        long length = op - lengthAt - 4;
        ob[lengthAt] = (byte) length;
        ob[lengthAt + 1] = (byte) (length >>> 8);
        ob[lengthAt + 2] = (byte) (length >>> 16);
        ob[lengthAt + 3] = (byte) (length >>> 24);
        outImplicit = savedImplicit;
    }

    // ---------------------------------------------------------------- datasets

    /** Filters one dataset; returns at its end (item length, item delimiter, end of stream, or top-level Pixel Data). */
    private void dataset(long end, int depth, Charset inherited, int mode) throws IOException {
        Charset cs = inherited;
        boolean top = depth == 0 && mode == PROCESS;
        int segBase = segN;
        int last = 0;
        boolean first = true;
        boolean disordered = false;
        while (true) {
            if (end >= 0) {
                long p = pos();
                if (p == end) {
                    break;
                }
                if (p > end) {
                    throw new DicomParseException("element overruns its enclosing item by " + (p - end) + " bytes", p, -1);
                }
            }
            int n = header(8);
            if (n == 0 && end == TOP_LEVEL) {
                break;
            }
            if (n >= 4 && mode != DISCARD) {
                int tag = u16(ib, ip - n) << 16 | u16(ib, ip - n + 2);
                if (tag != DicomTags.ItemDelimitationItem && (tag >>> 16) != 0xFFFE
                        && !(depth == 0 && tag == DicomTags.PixelData)) {
                    if (!first && Integer.compareUnsigned(tag, last) <= 0) {
                        disordered = true;
                    }
                    first = false;
                    last = tag;
                    if (top && markNext < MARK_TAGS.length && Integer.compareUnsigned(MARK_TAGS[markNext], tag) < 0) {
                        marksBefore(tag);
                    }
                    int start = op;
                    boolean mark = top && isMark(tag);
                    if (!mark) {
                        pushSegment(tag, start);
                    }
                    lastUid = null;
                    cs = element(n, end, depth, cs, mode);
                    if (mark) {
                        op = start; // the input's own mark: counted as its action says, then replaced by ours
                    } else if (top) {
                        captureOutput(tag, start);
                    }
                    continue;
                }
            }
            cs = element(n, end, depth, cs, mode);
            if (pixelFound && depth == 0 || endOfItem) {
                endOfItem = false;
                break;
            }
        }
        if (top) {
            marksBefore(-1);
        }
        if (disordered) {
            sort(segBase);
        }
        segN = segBase;
    }

    /** The replacement the fast UID path wrote for the current element (digits and dots), else null. */
    private String lastUid;

    /** Set by {@link #element} when it read the item delimiter that ends the current undefined-length item. */
    private boolean endOfItem;

    /**
     * Parses one element whose first {@code got} (up to 8) header bytes were just consumed, and handles it by
     * {@code mode}; returns the dataset's character set (changed by Specific Character Set).
     */
    private Charset element(int got, long end, int depth, Charset cs, int mode) throws IOException {
        long start = pos() - got;
        int h = ip - got;
        if (got < 4) {
            throw new DicomParseException(got == 1 && end == TOP_LEVEL ? "truncated: stream ends inside a tag"
                    : "truncated: unexpected end of stream", got == 1 && end == TOP_LEVEL ? start : pos(), -1);
        }
        int tag = u16(ib, h) << 16 | u16(ib, h + 2);
        if (tag == DicomTags.ItemDelimitationItem) {
            if (got < 8) {
                throw truncated(tag);
            }
            if (end == UNTIL_ITEM_DELIMITER) {
                endOfItem = true;
                return cs;
            }
            throw new DicomParseException("unexpected item delimiter", start, tag);
        }
        if ((tag >>> 16) == 0xFFFE) {
            throw new DicomParseException("unexpected item or sequence delimiter inside a dataset", start, tag);
        }
        DicomVr vr;
        long length;
        if (implicit && (tag >>> 16) != 0x0002) {
            vr = DicomTags.implicitVr(tag);
            if (got < 8) {
                throw truncated(tag);
            }
            length = u32(ib, h + 4);
            if (length == UNDEFINED && vr != DicomVr.SQ && tag != DicomTags.PixelData) {
                vr = DicomVr.SQ;
            }
        } else {
            if (got < 6) {
                throw truncated(tag);
            }
            int b0 = ib[h + 4] & 0xFF;
            int b1 = ib[h + 5] & 0xFF;
            vr = vrOf(b0, b1);
            if (vr == null) {
                throw new DicomParseException(String.format("unknown VR bytes 0x%02X 0x%02X", b0, b1), start + 4, tag);
            }
            if (got < 8) {
                throw truncated(tag);
            }
            if (vr.longLength()) {
                if (header(4) < 4) {
                    throw truncated(tag);
                }
                length = u32(ib, ip - 4);
            } else {
                length = u16(ib, h + 6);
            }
        }
        if (tag == DicomTags.PixelData && depth == 0) {
            pixelFound = true;
            pixelVr = vr;
            pixelLength = length == UNDEFINED ? -1 : length;
            return cs;
        }
        if ((tag & 0xFFFF) == 0) {
            mode = DISCARD; // group lengths are dropped (retired, and stale once a dataset is edited)
        } else if (mode == PROCESS && tag == DicomTags.PixelData) {
            mode = VERBATIM; // Pixel Data inside an item is copied as it is
        }
        if (length == UNDEFINED) {
            if (vr == DicomVr.SQ || vr == DicomVr.UN) {
                // PS3.5 §6.2.2: UN with undefined length is a sequence encoded in implicit VR little endian
                boolean saved = implicit;
                if (vr == DicomVr.UN) {
                    implicit = true;
                }
                sequence(tag, UNTIL_ITEM_DELIMITER, depth, cs, mode);
                implicit = saved;
            } else if (vr == DicomVr.OB || vr == DicomVr.OW) {
                fragments(tag, vr, mode);
            } else {
                throw new DicomParseException("undefined length is not allowed for VR " + vr, start, tag);
            }
            return cs;
        }
        if (end >= 0 && pos() + length > end) {
            throw new DicomParseException("value length " + length + " exceeds the enclosing item by "
                    + (pos() + length - end) + " bytes", start, tag);
        }
        if (vr == DicomVr.SQ) {
            sequence(tag, pos() + length, depth, cs, mode);
            return cs;
        }
        checkLength(length, tag, start);
        int len = (int) length;
        value(len, tag);
        if (tag == DicomTags.SpecificCharacterSet) {
            cs = charset(vb, vo, len, start);
        }
        if (mode == DISCARD) {
            if (depth == 0 && tag == DicomTags.TransferSyntaxUID) {
                transferSyntax = firstString(vb, vo, len, vr, cs);
            }
            return cs;
        }
        if (mode == VERBATIM) {
            putValue(tag, vr, vb, vo, len);
            return cs;
        }
        if (depth == 0) {
            captureInput(tag, vr, len, cs);
        }
        processValue(tag, vr, len, cs);
        return cs;
    }

    private void captureInput(int tag, DicomVr vr, int len, Charset cs) {
        switch (tag) {
            case BURNED_IN_ANNOTATION -> burnedIn = firstString(vb, vo, len, vr, cs);
            case DicomTags.Modality -> modality = firstString(vb, vo, len, vr, cs);
            case DicomTags.SOPClassUID -> sopClassIn = firstString(vb, vo, len, vr, cs);
            default -> {
            }
        }
    }

    /** The output value of a top-level UID element just written at {@code start} (or nothing if it was removed). */
    private void captureOutput(int tag, int start) {
        if (tag != DicomTags.SOPClassUID && tag != DicomTags.SOPInstanceUID && tag != DicomTags.StudyInstanceUID
                && tag != DicomTags.SeriesInstanceUID) {
            return;
        }
        String v = null;
        if (lastUid != null) {
            v = lastUid.isEmpty() ? null : lastUid; // the single plain UID just written: its own first value
        } else if (op > start) {
            int valueAt;
            DicomVr vr;
            if (outImplicit) {
                valueAt = start + 8;
                vr = DicomTags.implicitVr(tag);
            } else {
                vr = vrOf(ob[start + 4] & 0xFF, ob[start + 5] & 0xFF);
                valueAt = start + (vr.longLength() ? 12 : 8);
            }
            // in implicit files the VR is the one the element was read with: the dictionary's, as here
            v = vr == DicomVr.SQ ? null : firstString(ob, valueAt, op - valueAt, vr, StandardCharsets.ISO_8859_1);
        }
        switch (tag) {
            case DicomTags.SOPClassUID -> sopClassOut = v;
            case DicomTags.SOPInstanceUID -> sopInstanceOut = v;
            case DicomTags.StudyInstanceUID -> studyOut = v;
            default -> seriesOut = v;
        }
    }

    private void sequence(int tag, long end, int depth, Charset cs, int mode) throws IOException {
        int itemMode = mode;
        boolean open = false;
        if (mode == PROCESS) {
            switch (actions.actionFor(tag, DicomVr.SQ)) {
                case X -> {
                    remove(RULE_X);
                    itemMode = DISCARD;
                }
                case Z -> {
                    header(tag, DicomVr.SQ, UNDEFINED);
                    putTag(DicomTags.SequenceDelimitationItem);
                    putU32(0);
                    rules[RULE_Z]++;
                    itemMode = DISCARD;
                }
                case D -> {
                    if (processFailure == null) {
                        processFailure = new IllegalArgumentException(
                                "SQ element " + DicomTags.toString(tag) + " needs items, not bytes");
                    }
                    itemMode = DISCARD;
                }
                default -> open = true; // U, C, K: the items are de-identified
            }
        } else if (mode == VERBATIM) {
            open = true;
        }
        if (open) {
            header(tag, DicomVr.SQ, UNDEFINED);
        }
        items(tag, end, depth + 1, cs, itemMode);
        lastUid = null; // set by an element inside: not this sequence's value
        if (open) {
            putTag(DicomTags.SequenceDelimitationItem);
            putU32(0);
        }
    }

    private void items(int seqTag, long end, int depth, Charset cs, int mode) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new DicomParseException("sequence nesting deeper than " + MAX_DEPTH, pos(), seqTag);
        }
        while (true) {
            long p = pos();
            if (end >= 0 && p >= end) {
                if (p > end) {
                    throw new DicomParseException("items overrun the sequence length", p, seqTag);
                }
                return;
            }
            int got = need(8);
            if (got < 8) {
                int tagSoFar = got < 4 ? seqTag : u16(ib, ip) << 16 | u16(ib, ip + 2);
                ip += got;
                throw truncated(got < 4 ? seqTag : tagSoFar);
            }
            int tag = u16(ib, ip) << 16 | u16(ib, ip + 2);
            long length = u32(ib, ip + 4);
            ip += 8;
            if (tag == DicomTags.SequenceDelimitationItem) {
                if (end == UNTIL_ITEM_DELIMITER) {
                    return;
                }
                throw new DicomParseException("sequence delimiter in a sequence of defined length", p, seqTag);
            }
            if (tag != DicomTags.Item) {
                throw new DicomParseException("expected an item tag (FFFE,E000) in sequence, found "
                        + DicomTags.toString(tag), p, seqTag);
            }
            if (mode != DISCARD) {
                putTag(DicomTags.Item);
                putU32(UNDEFINED);
            }
            if (length == UNDEFINED) {
                dataset(UNTIL_ITEM_DELIMITER, depth, cs, mode);
            } else {
                if (end >= 0 && pos() + length > end) {
                    throw new DicomParseException("item length " + length + " exceeds the sequence length", p, seqTag);
                }
                dataset(pos() + length, depth, cs, mode);
            }
            if (mode != DISCARD) {
                putTag(DicomTags.ItemDelimitationItem);
                putU32(0);
            }
        }
    }

    /** Encapsulated data of an element other than top-level Pixel Data (read and checked as the reader did). */
    private void fragments(int tag, DicomVr vr, int mode) throws IOException {
        boolean write = mode == VERBATIM;
        if (mode == PROCESS) {
            switch (actions.actionFor(tag, vr)) {
                case X, U -> remove(RULE_X); // U: not a UI value
                case Z -> {
                    header(tag, vr, 0);
                    rules[RULE_Z]++;
                }
                case D -> {
                    putText(tag, vr, tag == PATIENT_ID ? pseudonym() : "", false);
                    rules[RULE_D]++;
                }
                default -> write = true; // C and K keep binary data
            }
        }
        if (write) {
            if (outImplicit && writeFailure == null) {
                writeFailure = new DicomWriteException("encapsulated " + DicomTags.toString(tag)
                        + " cannot be written implicit VR");
            }
            header(tag, vr == DicomVr.OW ? DicomVr.OW : DicomVr.OB, UNDEFINED);
        }
        long total = 0;
        boolean any = false;
        while (true) {
            long start = pos();
            int got = need(8);
            if (got < 8) {
                ip += got;
                throw truncated(tag);
            }
            int ftag = u16(ib, ip) << 16 | u16(ib, ip + 2);
            long length = u32(ib, ip + 4);
            ip += 8;
            if (ftag == DicomTags.SequenceDelimitationItem) {
                if (!any) {
                    throw new DicomParseException("encapsulated pixel data without a Basic Offset Table item", start, tag);
                }
                if (write) {
                    putTag(DicomTags.SequenceDelimitationItem);
                    putU32(0);
                }
                return;
            }
            if (ftag != DicomTags.Item) {
                throw new DicomParseException("expected a fragment item (FFFE,E000), found " + DicomTags.toString(ftag),
                        start, tag);
            }
            if (length == UNDEFINED) {
                throw new DicomParseException("fragment with undefined length", start, tag);
            }
            total += length;
            checkLength(total, tag, start);
            int len = (int) length;
            value(len, tag);
            any = true;
            if (write) {
                putTag(DicomTags.Item);
                putU32(len + (len & 1));
                ensureOut(len + 1);
                System.arraycopy(vb, vo, ob, op, len);
                op += len;
                if ((len & 1) != 0) {
                    ob[op++] = 0;
                }
            }
        }
    }

    // ---------------------------------------------------------------- the Annex E actions

    private void processValue(int tag, DicomVr vr, int len, Charset cs) {
        switch (actions.actionFor(tag, vr)) {
            case X -> remove(RULE_X);
            case Z -> {
                header(tag, vr, 0);
                rules[RULE_Z]++;
            }
            case D -> {
                putText(tag, vr, tag == PATIENT_ID ? pseudonym() : "", false);
                rules[RULE_D]++;
            }
            case U -> {
                if (vr == DicomVr.UI) {
                    String single = plainUid(vb, vo, len);
                    if (single != null) {
                        // the common case: one UID, digits and dots, NUL-padded (same result as replaceUids)
                        lastUid = replaceUid(single);
                        putText(tag, vr, lastUid, true); // digits and dots, or a release UID: ASCII
                        rules[RULE_U]++;
                        return;
                    }
                    putText(tag, vr, replaceUids(vb, vo, len), false);
                } else {
                    remove(RULE_X);
                }
            }
            case C -> clean(tag, vr, len, cs);
            case K -> keep(tag, vr, len, cs);
            default -> throw new IllegalStateException();
        }
    }

    private void remove(int rule) {
        removed++;
        rules[rule]++;
    }

    private void keep(int tag, DicomVr vr, int len, Charset cs) {
        if (vr.isText() && len >= 11 && mayHoldIdentifier(vb, vo, len)) {
            PiiPatterns.Hit hit = PiiPatterns.find(joinedText(vb, vo, len, vr, cs));
            if (hit != PiiPatterns.Hit.NONE) {
                inText++;
                if (hit == PiiPatterns.Hit.RESIDENT_ID) {
                    residentIds++;
                } else {
                    mobiles++;
                }
                remove(RULE_IN_TEXT);
                return;
            }
        }
        putValue(tag, vr, vb, vo, len);
    }

    /**
     * Whether the decoded text can hold what {@link PiiPatterns} finds: both patterns need 11 ASCII digits with at
     * most spaces and dashes between them (a mobile number; a resident ID is 17 digits in a row). In every supported
     * character set an ASCII character is exactly one byte of the same value and multi-byte sequences never decode to
     * ASCII, so consecutive ASCII characters of the text are consecutive bytes of the value and a raw run of digits,
     * spaces and dashes bounds the decoded one (trail bytes in 0x30-0x39 only lengthen raw runs). ISO 2022 escape
     * sequences decode to nothing and could join two runs: a value holding ESC is always decoded. Skips the decoding
     * and two regex scans for UIDs and codes, which the old digit count (16 digits in {@code 1.2.840.10008...}) did not.
     */
    static boolean mayHoldIdentifier(byte[] b, int off, int len) {
        int run = 0;
        for (int i = off, e = off + len; i < e; i++) {
            byte x = b[i];
            if (x >= '0' && x <= '9') {
                if (++run >= 11) {
                    return true;
                }
            } else if (x == 0x1B) {
                return true;
            } else if (x != ' ' && x != '-') {
                run = 0;
            }
        }
        return false;
    }

    private void clean(int tag, DicomVr vr, int len, Charset cs) {
        if (vr == DicomVr.DA && len == 8 && shiftPlainDate(tag)) {
            return;
        }
        String raw = new String(vb, vo, len, StandardCharsets.US_ASCII).replace("\0", "").strip();
        // implicit VR files give tags missing from the reader's dictionary VR UN: a listed date is still a date
        boolean unknownDate = vr == DicomVr.UN && UNKNOWN_DATE.matcher(raw).matches() && tag != PATIENT_AGE;
        if (vr == DicomVr.DA || vr == DicomVr.DT || unknownDate) {
            boolean dateTime = vr == DicomVr.DT || unknownDate && raw.length() > 8 && raw.charAt(8) != '-';
            String shifted = raw.isEmpty() ? "" : DateShift.dicom(raw, shift(), dateTime);
            if (shifted == null) {
                remove(RULE_BAD_DATE);
                return;
            }
            putText(tag, vr, shifted, false);
            rules[RULE_C]++;
            return;
        }
        if (tag == PATIENT_AGE) {
            String v = new String(vb, vo, len, StandardCharsets.US_ASCII).strip();
            if (v.length() == 4 && v.charAt(3) == 'Y' && v.substring(0, 3).chars().allMatch(Character::isDigit)
                    && Integer.parseInt(v.substring(0, 3)) >= 90) {
                v = "090Y";
            }
            putText(tag, vr, v, false);
            rules[RULE_C]++;
            return;
        }
        keep(tag, vr, len, cs);
    }

    /**
     * A DA value of exactly eight ASCII digits (nearly every date): shifted as {@code DateShift.dicom} does, without
     * the strings, splits and substrings; false (nothing done) for any other shape.
     */
    private boolean shiftPlainDate(int tag) {
        int y = 0;
        for (int i = 0; i < 8; i++) {
            int c = vb[vo + i] - '0';
            if (c < 0 || c > 9) {
                return false;
            }
            y = y * 10 + c;
        }
        int day = y % 100;
        int month = y / 100 % 100;
        int year = y / 10000;
        java.time.LocalDate d;
        try {
            d = java.time.LocalDate.of(year, month, day).plusDays(shift());
        } catch (java.time.DateTimeException e) {
            d = null;
        }
        if (d == null || d.getYear() < 1 || d.getYear() > 9999) {
            remove(RULE_BAD_DATE);
            return true;
        }
        header(tag, DicomVr.DA, 8);
        ensureOut(8);
        int v = d.getYear() * 10000 + d.getMonthValue() * 100 + d.getDayOfMonth();
        for (int i = 7; i >= 0; i--) {
            ob[op + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        op += 8;
        rules[RULE_C]++;
        return true;
    }

    private String replaceUids(byte[] b, int off, int len) {
        String[] values = new String(b, off, len, StandardCharsets.US_ASCII).split("\\\\", -1);
        StringBuilder sb = new StringBuilder(len + 16);
        for (int i = 0; i < values.length; i++) {
            String uid = values[i].replace("\0", "").strip();
            if (i > 0) {
                sb.append('\\');
            }
            if (uid.isEmpty() || uid.startsWith(DICOM_ROOT)) {
                sb.append(uid);
                continue;
            }
            sb.append(replaceUid(uid));
        }
        rules[RULE_U]++;
        return sb.toString();
    }

    private String replaceUid(String uid) {
        if (uid.isEmpty() || uid.startsWith(DICOM_ROOT)) {
            return uid;
        }
        String replacement = release.dicomUid(uid);
        if (!replacement.equals(uid)) {
            uids.put(uid, replacement);
        }
        return replacement;
    }

    /**
     * The UID of a value made of digits and dots with at most one trailing NUL or space (what {@code replaceUids}
     * would split, strip and look up as one UID), or null for anything else.
     */
    private static String plainUid(byte[] b, int off, int len) {
        int end = off + len;
        if (len > 0 && (b[end - 1] == 0 || b[end - 1] == ' ')) {
            end--;
        }
        for (int i = off; i < end; i++) {
            byte x = b[i];
            if ((x < '0' || x > '9') && x != '.') {
                return null;
            }
        }
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    private int shift() {
        patient();
        return shift;
    }

    private String pseudonym() {
        patient();
        return pseudonym;
    }

    private void patient() {
        if (!patientKnown) {
            shift = release.shiftDays(patientId);
            pseudonym = release.patientPseudonym(patientId);
            patientKnown = true;
        }
    }

    // ---------------------------------------------------------------- marks

    private static boolean isMark(int tag) {
        return tag == MARK_TAGS[0] || tag == MARK_TAGS[1] || tag == MARK_TAGS[2] || tag == MARK_TAGS[3];
    }

    /** Writes the marks whose tags sort before {@code tag} ({@code -1}: all that are left). */
    private void marksBefore(int tag) {
        while (markNext < MARK_TAGS.length && Integer.compareUnsigned(MARK_TAGS[markNext], tag) < 0) {
            int t = MARK_TAGS[markNext++];
            pushSegment(t, op);
            switch (t) {
                case 0x00120062 -> putValue(t, DicomVr.CS, YES, 0, YES.length);
                case 0x00120063 -> putValue(t, DicomVr.LO, METHOD, 0, METHOD.length);
                case 0x00120064 -> {
                    header(t, DicomVr.SQ, UNDEFINED);
                    for (int i = 0; i < CODE_VALUES.length; i++) {
                        putTag(DicomTags.Item);
                        putU32(UNDEFINED);
                        putValue(DicomTags.CodeValue, DicomVr.SH, CODE_VALUES[i], 0, CODE_VALUES[i].length);
                        putValue(DicomTags.CodingSchemeDesignator, DicomVr.SH, DCM, 0, DCM.length);
                        putValue(DicomTags.CodeMeaning, DicomVr.LO, CODE_MEANINGS[i], 0, CODE_MEANINGS[i].length);
                        putTag(DicomTags.ItemDelimitationItem);
                        putU32(0);
                    }
                    putTag(DicomTags.SequenceDelimitationItem);
                    putU32(0);
                }
                default -> putValue(t, DicomVr.CS, MODIFIED, 0, MODIFIED.length);
            }
        }
    }

    // ---------------------------------------------------------------- output

    private void ensureOut(int n) {
        if (op + n > ob.length) {
            ob = Arrays.copyOf(ob, Math.max(2 * ob.length, op + n));
        }
    }

    private void putTag(int tag) {
        ensureOut(4);
        ob[op] = (byte) (tag >>> 16);
        ob[op + 1] = (byte) (tag >>> 24);
        ob[op + 2] = (byte) tag;
        ob[op + 3] = (byte) (tag >>> 8);
        op += 4;
    }

    private void putU32(long v) {
        ensureOut(4);
        ob[op] = (byte) v;
        ob[op + 1] = (byte) (v >>> 8);
        ob[op + 2] = (byte) (v >>> 16);
        ob[op + 3] = (byte) (v >>> 24);
        op += 4;
    }

    /** An element header in the output encoding, as {@link DicomWriter} writes it. */
    private void header(int tag, DicomVr vr, long length) {
        putTag(tag);
        if (outImplicit) {
            putU32(length);
            return;
        }
        ensureOut(8);
        byte[] name = VR_NAMES[vr.ordinal()];
        ob[op++] = name[0];
        ob[op++] = name[1];
        if (vr.longLength()) {
            ob[op++] = 0;
            ob[op++] = 0;
            putU32(length);
        } else {
            ob[op++] = (byte) length;
            ob[op++] = (byte) (length >>> 8);
        }
    }

    /** A value element, padded to even length with the VR's padding byte. */
    private void putValue(int tag, DicomVr vr, byte[] v, int off, int len) {
        int padded = len + (len & 1);
        if (!outImplicit && !vr.longLength() && padded > 0xFFFF && writeFailure == null) {
            writeFailure = new DicomWriteException(DicomTags.toString(tag) + " value of " + padded
                    + " bytes is too long for VR " + vr);
        }
        header(tag, vr, padded);
        ensureOut(padded);
        System.arraycopy(v, off, ob, op, len);
        op += len;
        if ((len & 1) != 0) {
            ob[op++] = vr.padding();
        }
    }

    private void putValue(int tag, DicomVr vr, byte[] v) {
        putValue(tag, vr, v, 0, v.length);
    }

    /**
     * A text value encoded straight into the output buffer: as {@code String.getBytes(US_ASCII)} did ({@code '?'} for
     * anything else; the strings here come from ASCII decoding, so no surrogate pairs) or, {@code latin1}, as ISO 8859-1.
     * {@code latin1} is also right for strings known to be ASCII (release UIDs and pseudonyms, plain UIDs): those are
     * copied in bulk, a per-character loop over a few hundred characters per instance is measurable.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) is exactly ISO 8859-1 for chars <= 0xFF
    private void putText(int tag, DicomVr vr, String s, boolean latin1) {
        int len = s.length();
        int padded = len + (len & 1);
        if (!outImplicit && !vr.longLength() && padded > 0xFFFF && writeFailure == null) {
            writeFailure = new DicomWriteException(DicomTags.toString(tag) + " value of " + padded
                    + " bytes is too long for VR " + vr);
        }
        header(tag, vr, padded);
        ensureOut(padded);
        if (latin1) {
            s.getBytes(0, len, ob, op);
            op += len;
        } else {
            for (int i = 0; i < len; i++) {
                char c = s.charAt(i);
                ob[op++] = (byte) (c < 0x80 ? c : '?');
            }
        }
        if ((len & 1) != 0) {
            ob[op++] = vr.padding();
        }
    }

    private void pushSegment(int tag, int offset) {
        if (segN == segTag.length) {
            segTag = Arrays.copyOf(segTag, 2 * segN);
            segOff = Arrays.copyOf(segOff, 2 * segN);
        }
        segTag[segN] = tag;
        segOff[segN++] = offset;
    }

    /**
     * Puts the elements of the dataset whose segments start at {@code base} into ascending tag order, keeping the last
     * of equal tags (an element that was removed leaves an empty segment, so a removed repetition removes the tag), as
     * the tag map of the parse-modify-write path did. Only for input that breaks the ascending order of PS3.5 §7.1.
     */
    private void sort(int base) {
        int n = segN - base;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (segTag[base + i] & 0xFFFFFFFFL) << 24 | i;
        }
        Arrays.sort(keys);
        int from = segOff[base];
        byte[] sorted = new byte[op - from];
        int w = 0;
        for (int k = 0; k < n; k++) {
            if (k + 1 < n && keys[k + 1] >>> 24 == keys[k] >>> 24) {
                continue; // a later element of the same tag replaces this one
            }
            int i = base + (int) (keys[k] & 0xFFFFFF);
            int s = segOff[i];
            int e = i + 1 < segN ? segOff[i + 1] : op;
            System.arraycopy(ob, s, sorted, w, e - s);
            w += e - s;
        }
        System.arraycopy(sorted, 0, ob, from, w);
        op = from + w;
    }

    // ---------------------------------------------------------------- text

    private Charset charset(byte[] b, int off, int len, long start) throws DicomParseException {
        if (charsetRaw != null && Arrays.equals(charsetRaw, 0, charsetRaw.length, b, off, off + len)) {
            return charsetResolved;
        }
        byte[] raw = Arrays.copyOfRange(b, off, off + len);
        try {
            // DicomDataset resolves it exactly as the reader did (and fails the same way on an unsupported set)
            Charset cs = new DicomDataset().put(DicomElement.of(DicomTags.SpecificCharacterSet, DicomVr.CS, raw))
                    .charset();
            charsetRaw = raw;
            charsetResolved = cs;
            return cs;
        } catch (DicomValueException e) {
            throw new DicomParseException(e.getMessage(), start, DicomTags.SpecificCharacterSet);
        }
    }

    /** {@code DicomDataset.getString}: the first value, decoded and trimmed; null when absent, empty or not text. */
    static String firstString(byte[] b, int off, int len, DicomVr vr, Charset cs) {
        if (len == 0 || !vr.isText()) {
            return null;
        }
        String s = new String(b, off, len, vr.usesSpecificCharacterSet() ? cs : StandardCharsets.ISO_8859_1);
        if (vr.isMultiValuedText()) {
            int i = s.indexOf('\\');
            if (i >= 0) {
                s = s.substring(0, i);
            }
        }
        s = trim(s, vr);
        return s.isEmpty() ? null : s;
    }

    /** {@code String.join("\\", DicomDataset.getStrings(tag))} of a text value. */
    private static String joinedText(byte[] b, int off, int len, DicomVr vr, Charset cs) {
        String s = new String(b, off, len, vr.usesSpecificCharacterSet() ? cs : StandardCharsets.ISO_8859_1);
        if (!vr.isMultiValuedText()) {
            return trim(s, vr);
        }
        String[] parts = s.split("\\\\", -1);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('\\');
            }
            sb.append(trim(parts[i], vr));
        }
        return sb.toString();
    }

    private static String trim(String s, DicomVr vr) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        int start = 0;
        if (vr != DicomVr.LT && vr != DicomVr.ST && vr != DicomVr.UT) {
            while (start < end && s.charAt(start) == ' ') {
                start++;
            }
        }
        return s.substring(start, end);
    }

    private static byte[] padded(String s, DicomVr vr) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if ((b.length & 1) == 0) {
            return b;
        }
        byte[] p = Arrays.copyOf(b, b.length + 1);
        p[b.length] = vr.padding();
        return p;
    }

    /** {@link DicomVr#fromBytes} without building a string per element. */
    private static DicomVr vrOf(int b0, int b1) {
        if (b0 < 'A' || b0 > 'Z' || b1 < 'A' || b1 > 'Z') {
            return null;
        }
        return VR_BY_CODE[(b0 - 'A') * 26 + (b1 - 'A')];
    }

    private static final DicomVr[] VR_BY_CODE = new DicomVr[26 * 26];

    static {
        for (DicomVr vr : DicomVr.values()) {
            VR_BY_CODE[(vr.name().charAt(0) - 'A') * 26 + (vr.name().charAt(1) - 'A')] = vr;
        }
    }
}
