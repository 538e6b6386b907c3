package org.patientvault.mapping.dicom;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * streaming, no copy of the dataset except the small meta group. Stateless and thread-safe.
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

        OutputStream bout = new BufferedOutputStream(out, 65536);
        bout.write(new byte[128]);
        bout.write(new byte[] {'D', 'I', 'C', 'M'});
        bout.write(metaBytes(file));
        if (DicomTransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(ts)) {
            DeflaterOutputStream deflate = new DeflaterOutputStream(bout, new Deflater(Deflater.DEFAULT_COMPRESSION, true));
            writeDataset(ds, false, deflate);
            deflate.finish();
        } else {
            writeDataset(ds, implicit, bout);
        }
        bout.flush();
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

    private static byte[] metaBytes(DicomFile file) throws IOException {
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
        meta.put(DicomElement.of(DicomTags.FileMetaInformationVersion, DicomVr.OB, new byte[] {0, 1}));
        meta.putString(DicomTags.MediaStorageSOPClassUID, DicomVr.UI, sopClass);
        meta.putString(DicomTags.MediaStorageSOPInstanceUID, DicomVr.UI, sopInstance);
        meta.putString(DicomTags.TransferSyntaxUID, DicomVr.UI, file.transferSyntaxUid());
        meta.putString(DicomTags.ImplementationClassUID, DicomVr.UI, IMPLEMENTATION_CLASS_UID);
        meta.putString(DicomTags.ImplementationVersionName, DicomVr.SH, IMPLEMENTATION_VERSION_NAME);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeDataset(meta, false, body);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        writeHeader(all, DicomTags.FileMetaInformationGroupLength, DicomVr.UL, 4, false);
        writeU32(all, body.size());
        body.writeTo(all);
        return all.toByteArray();
    }

    private static void writeDataset(DicomDataset ds, boolean implicit, OutputStream out) throws IOException {
        for (DicomElement e : ds.elements()) {
            if ((e.tag() & 0xFFFF) == 0 && (e.tag() >>> 16) != 0x0002) {
                continue;
            }
            writeElement(e, implicit, out);
        }
    }

    private static void writeElement(DicomElement e, boolean implicit, OutputStream out) throws IOException {
        if (e.isSequence()) {
            writeHeader(out, e.tag(), DicomVr.SQ, 0xFFFFFFFFL, implicit);
            for (DicomDataset item : e.items()) {
                writeTag(out, DicomTags.Item);
                writeU32(out, 0xFFFFFFFFL);
                writeDataset(item, implicit, out);
                writeTag(out, DicomTags.ItemDelimitationItem);
                writeU32(out, 0);
            }
            writeTag(out, DicomTags.SequenceDelimitationItem);
            writeU32(out, 0);
            return;
        }
        if (e.isEncapsulated()) {
            if (implicit) {
                throw new DicomWriteException("encapsulated " + DicomTags.toString(e.tag()) + " cannot be written implicit VR");
            }
            writeHeader(out, e.tag(), e.vr() == DicomVr.OW ? DicomVr.OW : DicomVr.OB, 0xFFFFFFFFL, false);
            for (byte[] f : e.fragments()) {
                writeTag(out, DicomTags.Item);
                int len = f.length + (f.length & 1);
                writeU32(out, len);
                out.write(f);
                if ((f.length & 1) != 0) {
                    out.write(0);
                }
            }
            writeTag(out, DicomTags.SequenceDelimitationItem);
            writeU32(out, 0);
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
        out.write(v);
        if ((v.length & 1) != 0) {
            out.write(e.vr().padding());
        }
    }

    private static void writeHeader(OutputStream out, int tag, DicomVr vr, long length, boolean implicit)
            throws IOException {
        writeTag(out, tag);
        if (implicit) {
            writeU32(out, length);
            return;
        }
        out.write(vr.name().charAt(0));
        out.write(vr.name().charAt(1));
        if (vr.longLength()) {
            out.write(0);
            out.write(0);
            writeU32(out, length);
        } else {
            out.write((int) length & 0xFF);
            out.write((int) (length >>> 8) & 0xFF);
        }
    }

    private static void writeTag(OutputStream out, int tag) throws IOException {
        int g = tag >>> 16;
        int el = tag & 0xFFFF;
        out.write(g & 0xFF);
        out.write(g >>> 8);
        out.write(el & 0xFF);
        out.write(el >>> 8);
    }

    private static void writeU32(OutputStream out, long v) throws IOException {
        out.write((int) (v & 0xFF));
        out.write((int) ((v >>> 8) & 0xFF));
        out.write((int) ((v >>> 16) & 0xFF));
        out.write((int) ((v >>> 24) & 0xFF));
    }
}
