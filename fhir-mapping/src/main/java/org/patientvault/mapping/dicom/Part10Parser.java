package org.patientvault.mapping.dicom;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Streaming Part-10 parser. One instance per stream. Reads with a {@link BufferedInputStream} and counts the position
 * itself so errors can name the offset; lookahead (end of meta group, end of dataset) uses mark/reset of 8 bytes.
 */
final class Part10Parser {
    private static final long UNDEFINED = 0xFFFFFFFFL;
    private static final long TOP_LEVEL = -2;
    private static final long UNTIL_ITEM_DELIMITER = -1;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    private final DicomReadOptions options;
    private BufferedInputStream in;
    private long pos;
    /** Element header bytes (tag, VR, length) read in one call. */
    private final byte[] head = new byte[12];
    private boolean implicit;
    private boolean bigEndian;
    private boolean stopped;

    public Part10Parser(InputStream source, DicomReadOptions options) {
        this.in = source instanceof BufferedInputStream b ? b : new BufferedInputStream(source, 65536);
        this.options = options;
    }

    public DicomFile parse() throws IOException {
        byte[] preamble = in.readNBytes(132);
        pos += preamble.length;
        if (preamble.length < 132) {
            throw new DicomParseException("not a DICOM Part-10 file: only " + preamble.length
                    + " bytes, expected a 128-byte preamble and 'DICM'", pos, -1);
        }
        if (preamble[128] != 'D' || preamble[129] != 'I' || preamble[130] != 'C' || preamble[131] != 'M') {
            throw new DicomParseException("not a DICOM Part-10 file: 'DICM' prefix missing after the preamble", 128, -1);
        }
        DicomDataset meta = new DicomDataset();
        implicit = false;
        bigEndian = false;
        while (true) {
            int group = peekGroup();
            if (group != 0x0002) {
                break;
            }
            readElement(meta, 0, TOP_LEVEL, readHeader(8));
        }
        String ts = meta.getString(DicomTags.TransferSyntaxUID);
        if (ts == null) {
            throw new DicomParseException("file meta information has no Transfer Syntax UID (0002,0010)", pos,
                    DicomTags.TransferSyntaxUID);
        }
        switch (ts) {
            case DicomTransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN -> implicit = true;
            case DicomTransferSyntax.EXPLICIT_VR_BIG_ENDIAN -> bigEndian = true;
            case DicomTransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN ->
                // Offsets from here on count inflated bytes.
                in = new BufferedInputStream(new InflaterInputStream(in, new Inflater(true)), 65536);
            default -> {
                if (!ts.matches("[0-9]+(\\.[0-9]+)*")) {
                    throw new DicomParseException("malformed Transfer Syntax UID '" + ts + "'", pos,
                            DicomTags.TransferSyntaxUID);
                }
                // Every other (compressed) transfer syntax is explicit VR little endian with encapsulated pixel data.
            }
        }
        DicomDataset dataset = new DicomDataset();
        readDataset(dataset, TOP_LEVEL, 0);
        return new DicomFile(meta, ts, dataset, stopped);
    }

    /** Group of the next tag, or -1 at end of stream. Does not consume. */
    private int peekGroup() throws IOException {
        in.mark(4);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 < 0) {
            return -1;
        }
        if (b1 < 0) {
            throw new DicomParseException("truncated: stream ends inside a tag", pos, -1);
        }
        return bigEndian ? (b0 << 8) | b1 : (b1 << 8) | b0;
    }

    private void readDataset(DicomDataset ds, long end, int depth) throws IOException {
        while (!stopped) {
            if (end >= 0) {
                if (pos == end) {
                    return;
                }
                if (pos > end) {
                    throw new DicomParseException("element overruns its enclosing item by " + (pos - end) + " bytes",
                            pos, -1);
                }
            }
            int n = readHeader(8);
            if (n == 0 && end == TOP_LEVEL) {
                return;
            }
            if (readElement(ds, depth, end, n)) {
                return;
            }
        }
    }

    /**
     * Reads up to {@code n} (at most 12) bytes into {@link #head} with one call on the stream: the lock and bounds
     * checks of {@code BufferedInputStream.read()} per byte cost more than the whole header of a small instance.
     * Returns how many arrived; fewer than {@code n} only at the end of the stream.
     */
    private int readHeader(int n) throws IOException {
        int got;
        try {
            got = in.readNBytes(head, 0, n);
        } catch (EOFException e) {
            throw new DicomParseException("truncated: unexpected end of stream", pos, -1);
        }
        pos += got;
        return got;
    }

    private int headU16(int off) {
        int a = head[off] & 0xFF;
        int b = head[off + 1] & 0xFF;
        return bigEndian ? (a << 8) | b : (b << 8) | a;
    }

    private long headU32(int off) {
        long a = headU16(off);
        long b = headU16(off + 2);
        return bigEndian ? (a << 16) | b : (b << 16) | a;
    }

    /**
     * Reads one element into {@code ds} whose first {@code got} (up to 8) bytes are already in {@link #head}; returns
     * true when it was the item delimiter ending an undefined-length item. Errors name the same offsets as reading
     * byte by byte would.
     */
    private boolean readElement(DicomDataset ds, int depth, long end, int got) throws IOException {
        long start = pos - got;
        if (got < 4) {
            throw new DicomParseException(got == 1 && end == TOP_LEVEL ? "truncated: stream ends inside a tag"
                    : "truncated: unexpected end of stream", got == 1 && end == TOP_LEVEL ? start : pos, -1);
        }
        int tag = headU16(0) << 16 | headU16(2);
        if (tag == DicomTags.ItemDelimitationItem) {
            if (got < 8) {
                throw new DicomParseException("truncated: unexpected end of stream", pos, tag);
            }
            if (end == UNTIL_ITEM_DELIMITER) {
                return true;
            }
            throw new DicomParseException("unexpected item delimiter", start, tag);
        }
        if ((tag >>> 16) == 0xFFFE) {
            throw new DicomParseException("unexpected item or sequence delimiter inside a dataset", start, tag);
        }
        DicomVr vr;
        long length;
        boolean meta = (tag >>> 16) == 0x0002;
        if (implicit && !meta) {
            vr = TagDictionary.vrOf(tag);
            if (got < 8) {
                throw new DicomParseException("truncated: unexpected end of stream", pos, tag);
            }
            length = headU32(4);
            if (length == UNDEFINED && vr != DicomVr.SQ && tag != DicomTags.PixelData) {
                vr = DicomVr.SQ;
            }
        } else {
            if (got < 6) {
                throw new DicomParseException("truncated: unexpected end of stream", pos, tag);
            }
            int b0 = head[4] & 0xFF;
            int b1 = head[5] & 0xFF;
            vr = DicomVr.fromBytes(b0, b1);
            if (vr == null) {
                throw new DicomParseException(String.format("unknown VR bytes 0x%02X 0x%02X", b0, b1), start + 4, tag);
            }
            if (got < 8) {
                throw new DicomParseException("truncated: unexpected end of stream", pos, tag);
            }
            if (vr.longLength()) {
                if (readHeader(4) < 4) {
                    throw new DicomParseException("truncated: unexpected end of stream", pos, tag);
                }
                length = headU32(0);
            } else {
                length = headU16(6);
            }
        }
        if (tag == DicomTags.PixelData && depth == 0 && options.pixelData() != DicomReadOptions.PixelDataMode.LOAD) {
            if (options.pixelData() == DicomReadOptions.PixelDataMode.STOP) {
                ds.put(DicomElement.ofBulkData(tag, vr, pos, length == UNDEFINED ? -1 : length));
                stopped = true;
                return false;
            }
            long valueStart = pos;
            if (length == UNDEFINED) {
                readFragments(tag, vr, false);
                ds.put(DicomElement.ofBulkData(tag, vr, valueStart, -1));
            } else {
                skip(length, tag);
                ds.put(DicomElement.ofBulkData(tag, vr, valueStart, length));
            }
            return false;
        }
        if (length == UNDEFINED) {
            if (vr == DicomVr.SQ || vr == DicomVr.UN) {
                // PS3.5 §6.2.2: UN with undefined length is a sequence encoded in implicit VR little endian.
                boolean savedImplicit = implicit;
                boolean savedBig = bigEndian;
                if (vr == DicomVr.UN) {
                    implicit = true;
                    bigEndian = false;
                }
                List<DicomDataset> items = readItems(ds, tag, UNTIL_ITEM_DELIMITER, depth + 1);
                implicit = savedImplicit;
                bigEndian = savedBig;
                ds.put(DicomElement.ofSequence(tag, items));
            } else if (vr == DicomVr.OB || vr == DicomVr.OW) {
                ds.put(DicomElement.ofFragments(tag, vr, readFragments(tag, vr, true)));
            } else {
                throw new DicomParseException("undefined length is not allowed for VR " + vr, start, tag);
            }
            return false;
        }
        if (end >= 0 && pos + length > end) {
            throw new DicomParseException("value length " + length + " exceeds the enclosing item by "
                    + (pos + length - end) + " bytes", start, tag);
        }
        if (vr == DicomVr.SQ) {
            ds.put(DicomElement.ofSequence(tag, readItems(ds, tag, pos + length, depth + 1)));
            return false;
        }
        checkLength(length, tag, start);
        byte[] value = readValue((int) length, tag);
        if (bigEndian && !meta && vr.width() > 1) {
            swap(value, vr == DicomVr.AT ? 2 : vr.width());
        }
        try {
            ds.put(DicomElement.of(tag, vr, value));
        } catch (DicomValueException e) {
            throw new DicomParseException(e.getMessage(), start, tag);
        }
        return false;
    }

    private List<DicomDataset> readItems(DicomDataset parent, int seqTag, long end, int depth) throws IOException {
        if (depth > options.maxDepth()) {
            throw new DicomParseException("sequence nesting deeper than " + options.maxDepth(), pos, seqTag);
        }
        List<DicomDataset> items = new ArrayList<>();
        while (true) {
            if (end >= 0 && pos >= end) {
                if (pos > end) {
                    throw new DicomParseException("items overrun the sequence length", pos, seqTag);
                }
                return items;
            }
            long start = pos;
            int tag = readTag(seqTag);
            long length = readU32(tag);
            if (tag == DicomTags.SequenceDelimitationItem) {
                if (end == UNTIL_ITEM_DELIMITER) {
                    return items;
                }
                throw new DicomParseException("sequence delimiter in a sequence of defined length", start, seqTag);
            }
            if (tag != DicomTags.Item) {
                throw new DicomParseException("expected an item tag (FFFE,E000) in sequence, found "
                        + DicomTags.toString(tag), start, seqTag);
            }
            DicomDataset item = new DicomDataset(parent.charset());
            if (length == UNDEFINED) {
                readDataset(item, UNTIL_ITEM_DELIMITER, depth);
            } else {
                if (end >= 0 && pos + length > end) {
                    throw new DicomParseException("item length " + length + " exceeds the sequence length", start, seqTag);
                }
                readDataset(item, pos + length, depth);
            }
            items.add(item);
        }
    }

    private List<byte[]> readFragments(int pixelTag, DicomVr vr, boolean keep) throws IOException {
        List<byte[]> fragments = new ArrayList<>();
        long total = 0;
        while (true) {
            long start = pos;
            int tag = readTag(pixelTag);
            long length = readU32(pixelTag);
            if (tag == DicomTags.SequenceDelimitationItem) {
                if (fragments.isEmpty()) {
                    throw new DicomParseException("encapsulated pixel data without a Basic Offset Table item", start,
                            pixelTag);
                }
                return fragments;
            }
            if (tag != DicomTags.Item) {
                throw new DicomParseException("expected a fragment item (FFFE,E000), found " + DicomTags.toString(tag),
                        start, pixelTag);
            }
            if (length == UNDEFINED) {
                throw new DicomParseException("fragment with undefined length", start, pixelTag);
            }
            total += length;
            checkLength(total, pixelTag, start);
            if (keep) {
                fragments.add(readValue((int) length, pixelTag));
            } else {
                skip(length, pixelTag);
                fragments.add(new byte[0]);
            }
        }
    }

    private void checkLength(long length, int tag, long start) throws DicomParseException {
        if (length > options.maxValueLength() || length > MAX_ARRAY) {
            throw new DicomParseException("value length " + length + " exceeds the limit of "
                    + Math.min(options.maxValueLength(), MAX_ARRAY) + " bytes", start, tag);
        }
    }

    private byte[] readValue(int length, int tag) throws IOException {
        // readNBytes grows its buffer as data arrives, so a lying length on a short stream allocates little.
        byte[] b = in.readNBytes(length);
        pos += b.length;
        if (b.length < length) {
            throw new DicomParseException("truncated: value needs " + length + " bytes, stream ended after " + b.length,
                    pos, tag);
        }
        return b;
    }

    private void skip(long n, int tag) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new DicomParseException("truncated: stream ended " + left + " bytes before the end of the value",
                            pos, tag);
                }
                s = 1;
            }
            left -= s;
            pos += s;
        }
    }

    private int read1(int tag) throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new DicomParseException("truncated: unexpected end of stream", pos, tag);
        }
        pos++;
        return b;
    }

    private int readU16(int tag) throws IOException {
        int a = read1(tag);
        int b = read1(tag);
        return bigEndian ? (a << 8) | b : (b << 8) | a;
    }

    private long readU32(int tag) throws IOException {
        long a = readU16(tag);
        long b = readU16(tag);
        return bigEndian ? (a << 16) | b : (b << 16) | a;
    }

    private int readTag(int context) throws IOException {
        try {
            int group = readU16(context);
            int element = readU16(context);
            return (group << 16) | element;
        } catch (DicomParseException e) {
            throw e;
        } catch (EOFException e) {
            throw new DicomParseException("truncated: unexpected end of stream", pos, context);
        }
    }

    private static void swap(byte[] v, int width) {
        for (int i = 0; i + width <= v.length; i += width) {
            for (int a = i, b = i + width - 1; a < b; a++, b--) {
                byte t = v[a];
                v[a] = v[b];
                v[b] = t;
            }
        }
    }
}
