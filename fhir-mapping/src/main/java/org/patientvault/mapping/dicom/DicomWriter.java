package org.patientvault.mapping.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes DICOM Part-10 files: preamble, {@code DICM}, file meta information (rebuilt: group length, version, media
 * storage SOP class/instance from the dataset, transfer syntax, implementation UID and version; other group-0002
 * elements of {@link DicomFile#fileMeta()} are kept), then the dataset in explicit VR little endian, implicit VR little
 * endian, deflated explicit VR little endian, or, for any other (compressed) transfer syntax, explicit VR little endian
 * with the pixel data encapsulated.
 *
 * <p>Sequences and items are written with undefined length and delimiters; group length elements (gggg,0000) of the
 * dataset are dropped (they are retired and go stale when a dataset is edited). Odd-length values are padded. Cost:
 * streaming through one reused 8 KiB buffer per thread (large values bypass it), no copy of the dataset except the
 * small meta group. Stateless and thread-safe.
 */
public final class DicomWriter {
    /** Our implementation class UID (a UUID-derived 2.25 OID, fixed for Patient Vault). */
    public static final String IMPLEMENTATION_CLASS_UID = "2.25.100826681982794475958641991203624268145";
    public static final String IMPLEMENTATION_VERSION_NAME = "PATIENTVAULT_1";

    /** Writes {@code file} to {@code out} (not closed). */
    public void write(DicomFile file, OutputStream out) throws IOException {
        String ts = file.transferSyntaxUid();
        if (DicomTransferSyntax.EXPLICIT_VR_BIG_ENDIAN.equals(ts)) {
            throw new DicomWriteException("writing explicit VR big endian is not supported; use explicit VR little endian");
        }
        boolean implicit = DicomTransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.equals(ts);
        boolean encapsulated = !DicomTransferSyntax.isNative(ts);
        DicomDataset ds = file.dataset();
        checkPixelData(ds, encapsulated, ts);

        // The header is encoded into a small reused buffer and handed over in few large writes: a per-call 64 KiB
        // BufferedOutputStream (allocated and zeroed every time) and byte-at-a-time writes cost more than the whole
        // header of a typical instance. Values larger than the buffer bypass it (see Sink).
        Sink cached = SINKS.get();
        // a target stream that itself writes DICOM on this thread must not share the buffer
        Sink sink = (cached.target == null ? cached : new Sink()).reset(out);
        try {
            sink.zeros(128);
            sink.u8('D');
            sink.u8('I');
            sink.u8('C');
            sink.u8('M');
            writeMeta(file, sink);
            if (DicomTransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(ts)) {
                sink.flush();
                Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                try {
                    DeflaterOutputStream deflate = new DeflaterOutputStream(out, deflater, 8192);
                    sink.reset(deflate);
                    writeDataset(ds, false, sink);
                    sink.flush();
                    deflate.finish();
                } finally {
                    deflater.end();
                }
            } else {
                writeDataset(ds, implicit, sink);
                sink.flush();
            }
            out.flush();
        } finally {
            sink.reset(null);
        }
    }

    /** Writes to a file, replacing it. */
    public void write(DicomFile file, Path path) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            write(file, out);
        }
    }

    /** Writes to a byte array (for small files and tests). */
    public byte[] toBytes(DicomFile file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(file, out);
        return out.toByteArray();
    }

    private static void checkPixelData(DicomDataset ds, boolean encapsulated, String ts) throws DicomWriteException {
        DicomElement px = ds.get(DicomTags.PixelData).orElse(null);
        if (px == null) {
            return;
        }
        if (px.isBulkDataReference()) {
            throw new DicomWriteException("Pixel Data was not loaded (bulk-data reference); read with PixelDataMode.LOAD");
        }
        if (px.isEncapsulated() != encapsulated) {
            throw new DicomWriteException("Pixel Data is " + (px.isEncapsulated() ? "encapsulated" : "native")
                    + " but transfer syntax " + ts + " needs " + (encapsulated ? "encapsulated" : "native") + " data");
        }
    }

    private static void writeMeta(DicomFile file, Sink out) throws IOException {
        DicomDataset ds = file.dataset();
        DicomDataset meta = new DicomDataset();
        for (DicomElement e : file.fileMeta().elements()) {
            if ((e.tag() >>> 16) == 0x0002 && e.tag() != DicomTags.FileMetaInformationGroupLength) {
                meta.put(e);
            }
        }
        String sopClass = ds.getString(DicomTags.SOPClassUID, file.fileMeta().getString(DicomTags.MediaStorageSOPClassUID));
        String sopInstance = ds.getString(DicomTags.SOPInstanceUID,
                file.fileMeta().getString(DicomTags.MediaStorageSOPInstanceUID));
        if (sopClass == null || sopInstance == null) {
            throw new DicomWriteException("dataset needs SOP Class UID (0008,0016) and SOP Instance UID (0008,0018)");
        }
        meta.put(DicomElement.of(DicomTags.FileMetaInformationVersion, DicomVr.OB, FILE_META_VERSION));
        meta.putString(DicomTags.MediaStorageSOPClassUID, DicomVr.UI, sopClass);
        meta.putString(DicomTags.MediaStorageSOPInstanceUID, DicomVr.UI, sopInstance);
        meta.putString(DicomTags.TransferSyntaxUID, DicomVr.UI, file.transferSyntaxUid());
        meta.put(DicomElement.of(DicomTags.ImplementationClassUID, DicomVr.UI, IMPLEMENTATION_CLASS_UID_BYTES));
        meta.put(DicomElement.of(DicomTags.ImplementationVersionName, DicomVr.SH, IMPLEMENTATION_VERSION_NAME_BYTES));
        // the group length precedes the group: write a placeholder and patch it once the group is in the buffer
        writeHeader(out, DicomTags.FileMetaInformationGroupLength, DicomVr.UL, 4, false);
        int lengthAt = out.position();
        out.u32(0);
        out.holdFrom(lengthAt);
        writeDataset(meta, false, out);
        out.patchU32(lengthAt, out.position() - lengthAt - 4);
        out.release();
    }

    private static byte[] padded(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if ((b.length & 1) == 0) {
            return b;
        }
        byte[] p = Arrays.copyOf(b, b.length + 1);
        p[b.length] = ' ';
        return p;
    }

    private static void writeDataset(DicomDataset ds, boolean implicit, Sink out) throws IOException {
        for (DicomElement e : ds.elements()) {
            if ((e.tag() & 0xFFFF) == 0 && (e.tag() >>> 16) != 0x0002) {
                continue;
            }
            writeElement(e, implicit, out);
        }
    }

    private static void writeElement(DicomElement e, boolean implicit, Sink out) throws IOException {
        if (e.isSequence()) {
            writeHeader(out, e.tag(), DicomVr.SQ, 0xFFFFFFFFL, implicit);
            for (DicomDataset item : e.items()) {
                out.tag(DicomTags.Item);
                out.u32(0xFFFFFFFFL);
                writeDataset(item, implicit, out);
                out.tag(DicomTags.ItemDelimitationItem);
                out.u32(0);
            }
            out.tag(DicomTags.SequenceDelimitationItem);
            out.u32(0);
            return;
        }
        if (e.isEncapsulated()) {
            if (implicit) {
                throw new DicomWriteException("encapsulated " + DicomTags.toString(e.tag()) + " cannot be written implicit VR");
            }
            writeHeader(out, e.tag(), e.vr() == DicomVr.OW ? DicomVr.OW : DicomVr.OB, 0xFFFFFFFFL, false);
            for (byte[] f : e.fragments()) {
                out.tag(DicomTags.Item);
                int len = f.length + (f.length & 1);
                out.u32(len);
                out.bytes(f);
                if ((f.length & 1) != 0) {
                    out.u8(0);
                }
            }
            out.tag(DicomTags.SequenceDelimitationItem);
            out.u32(0);
            return;
        }
        if (e.isBulkDataReference()) {
            throw new DicomWriteException(DicomTags.toString(e.tag()) + " was not loaded (bulk-data reference)");
        }
        byte[] v = e.bytes();
        int len = v.length + (v.length & 1);
        if (!implicit && !e.vr().longLength() && len > 0xFFFF) {
            throw new DicomWriteException(DicomTags.toString(e.tag()) + " value of " + len + " bytes is too long for VR "
                    + e.vr());
        }
        writeHeader(out, e.tag(), e.vr(), len, implicit);
        out.bytes(v);
        if ((v.length & 1) != 0) {
            out.u8(e.vr().padding());
        }
    }

    private static void writeHeader(Sink out, int tag, DicomVr vr, long length, boolean implicit) throws IOException {
        out.tag(tag);
        if (implicit) {
            out.u32(length);
            return;
        }
        String name = vr.name();
        out.u8(name.charAt(0));
        out.u8(name.charAt(1));
        if (vr.longLength()) {
            out.u8(0);
            out.u8(0);
            out.u32(length);
        } else {
            out.u8((int) length & 0xFF);
            out.u8((int) (length >>> 8) & 0xFF);
        }
    }

    private static final byte[] FILE_META_VERSION = {0, 1};
    private static final byte[] IMPLEMENTATION_CLASS_UID_BYTES = padded(IMPLEMENTATION_CLASS_UID);
    private static final byte[] IMPLEMENTATION_VERSION_NAME_BYTES = padded(IMPLEMENTATION_VERSION_NAME);
    private static final ThreadLocal<Sink> SINKS = ThreadLocal.withInitial(Sink::new);

    /**
     * A little-endian encoder over a reused 8 KiB buffer, flushed to the target stream when full. Values of at least
     * half the buffer (pixel data loaded in memory, large LUTs) go straight to the target after a flush, so the buffer
     * never grows and nothing is copied twice. One per thread; {@link #holdFrom} keeps a region (the file meta group,
     * a few hundred bytes) in the buffer until it has been patched.
     */
    private static final class Sink {
        private static final int SIZE = 8192;
        private byte[] buf = new byte[SIZE];
        private int pos;
        private int hold = -1;
        private OutputStream target;

        Sink reset(OutputStream out) {
            target = out;
            pos = 0;
            hold = -1;
            if (buf.length > SIZE) {
                buf = new byte[SIZE];
            }
            return this;
        }

        int position() {
            return pos;
        }

        void holdFrom(int at) {
            hold = at;
        }

        void release() {
            hold = -1;
        }

        void patchU32(int at, long v) {
            buf[at] = (byte) v;
            buf[at + 1] = (byte) (v >>> 8);
            buf[at + 2] = (byte) (v >>> 16);
            buf[at + 3] = (byte) (v >>> 24);
        }

        private void ensure(int n) throws IOException {
            if (pos + n <= buf.length) {
                return;
            }
            if (hold >= 0) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
                return;
            }
            flush();
        }

        void flush() throws IOException {
            if (pos > 0) {
                target.write(buf, 0, pos);
                pos = 0;
            }
        }

        void u8(int v) throws IOException {
            ensure(1);
            buf[pos++] = (byte) v;
        }

        void zeros(int n) throws IOException {
            ensure(n);
            Arrays.fill(buf, pos, pos + n, (byte) 0);
            pos += n;
        }

        void tag(int tag) throws IOException {
            ensure(4);
            buf[pos] = (byte) (tag >>> 16);
            buf[pos + 1] = (byte) (tag >>> 24);
            buf[pos + 2] = (byte) tag;
            buf[pos + 3] = (byte) (tag >>> 8);
            pos += 4;
        }

        void u32(long v) throws IOException {
            ensure(4);
            patchU32(pos, v);
            pos += 4;
        }

        void bytes(byte[] b) throws IOException {
            if (b.length >= SIZE / 2 && hold < 0) {
                flush();
                target.write(b);
                return;
            }
            ensure(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }
    }
}
