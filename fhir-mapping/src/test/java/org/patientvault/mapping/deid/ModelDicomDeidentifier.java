package org.patientvault.mapping.deid;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.patientvault.mapping.deid.internal.DateShift;
import org.patientvault.mapping.deid.internal.PiiPatterns;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomElement;
import org.patientvault.mapping.dicom.DicomFile;
import org.patientvault.mapping.dicom.DicomParseException;
import org.patientvault.mapping.dicom.DicomReadOptions;
import org.patientvault.mapping.dicom.DicomReader;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.mapping.dicom.DicomTransferSyntax;
import org.patientvault.mapping.dicom.DicomVr;
import org.patientvault.mapping.dicom.DicomWriter;

/**
 * De-identifies DICOM Part-10 instances by the PS3.15 Annex E Basic Application Level Confidentiality Profile with the
 * Retain Longitudinal Temporal Information with Modified Dates option (the patient's {@link DeidRelease#shiftDays}
 * offset, the same as on the FHIR side) and the sex/size/weight part of Retain Patient Characteristics. The action
 * table is data ({@code deid/dicom-basic-profile.tsv}, listed in {@code docs/deidentification.md}); sequences are
 * processed recursively; private elements are removed; UIDs are replaced by {@link DeidRelease#dicomUid}, so the FHIR
 * {@code ImagingStudy} of the same release names the same new UIDs.
 *
 * <p>Pixel data is never rewritten: an instance with Burned In Annotation YES, or an ultrasound / secondary capture
 * without an explicit NO, is {@linkplain DicomDeidResult.Excluded excluded} and nothing is written. Otherwise the
 * header is parsed up to Pixel Data, de-identified and written, and the Pixel Data value (native or encapsulated) is
 * copied through byte for byte with a 64 KiB buffer: memory is the header plus the buffer, whatever the instance size.
 * Elements after Pixel Data (trailing padding, digital signatures; both X in Annex E) are dropped. Explicit VR big endian
 * and deflated instances are excluded (their pixel data cannot be streamed unchanged).
 *
 * <p>Thread-safe; one instance per release. On an exception (malformed input) the output holds a partial instance and
 * must be discarded.
 */
final class ModelDicomDeidentifier {
    private static final String DICOM_ROOT = "1.2.840.10008.";
    private static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
    private static final int BURNED_IN_ANNOTATION = 0x00280301;
    private static final int PATIENT_IDENTITY_REMOVED = 0x00120062;
    private static final int DEIDENTIFICATION_METHOD = 0x00120063;
    private static final int DEIDENTIFICATION_METHOD_CODES = 0x00120064;
    private static final int LONGITUDINAL_TEMPORAL_MODIFIED = 0x00280303;
    private static final int PATIENT_ID = 0x00100020;
    private static final int PATIENT_AGE = 0x00101010;
    /** Written into Deidentification Method (0012,0063). */
    public static final String METHOD_TEXT = "PatientVault research-1: PS3.15 E Basic + modified dates";

    /** One copy buffer per thread: allocating and zeroing 64 KiB per instance is measurable on small instances. */
    private static final ThreadLocal<byte[]> COPY_BUFFER = ThreadLocal.withInitial(() -> new byte[65536]);

    private final DeidRelease release;
    private final DicomActions actions = DicomActions.basic();
    private final DicomReader reader = new DicomReader(DicomReadOptions.metadataOnly()
            .withPixelData(DicomReadOptions.PixelDataMode.STOP));
    private final DicomWriter writer = new DicomWriter();
    private final DeidReport report = new DeidReport();

    ModelDicomDeidentifier(DeidRelease release) {
        this.release = Objects.requireNonNull(release, "release");
    }

    /** Counts over every instance so far (excluded reasons, actions applied). */
    public DeidReport report() {
        return report;
    }

    /**
     * Reads one instance of the patient with vault logical id {@code patientId} from {@code in} and writes its
     * de-identified form to {@code out}, or nothing when it is excluded. Neither stream is closed.
     *
     * @throws DicomParseException when {@code in} is not acceptable DICOM
     */
    public DicomDeidResult deidentify(String patientId, InputStream in, OutputStream out) throws IOException {
        report.resourceIn();
        // a small buffer: it serves the header; the pixel copy reads past it straight from the source in 64 KiB chunks
        BufferedInputStream bin = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 8192);
        DicomFile file = reader.read(bin);
        DicomDataset ds = file.dataset();
        String ts = file.transferSyntaxUid();
        DicomDeidResult.Excluded excluded = exclusion(ds, ts);
        if (excluded != null) {
            report.excluded(excluded.reason().name());
            return excluded;
        }
        State st = new State(release.shiftDays(patientId), release.patientPseudonym(patientId));
        DicomDataset clean = new DicomDataset();
        process(ds, clean, st);
        st.flushTo(report);
        addDeidentificationMarks(clean);
        DicomElement pixel = clean.get(DicomTags.PixelData).orElse(null);
        clean.remove(DicomTags.PixelData);
        writer.write(DicomFile.of(clean, ts), out);
        long copied = 0;
        if (pixel != null && file.stoppedAtPixelData()) {
            copied = copyPixelData(pixel, bin, out, DicomTransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.equals(ts));
        } else if (pixel != null) {
            throw new DicomParseException("Pixel Data inside a sequence item is not supported", -1, DicomTags.PixelData);
        }
        out.flush();
        report.resourceOut();
        return new DicomDeidResult.Written(clean.getString(DicomTags.StudyInstanceUID),
                clean.getString(DicomTags.SeriesInstanceUID), clean.getString(DicomTags.SOPInstanceUID), st.uids,
                st.removed, st.inText, copied);
    }

    private static DicomDeidResult.Excluded exclusion(DicomDataset ds, String ts) {
        if (DicomTransferSyntax.EXPLICIT_VR_BIG_ENDIAN.equals(ts)
                || DicomTransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(ts)) {
            return new DicomDeidResult.Excluded(DicomDeidResult.Reason.UNSUPPORTED_TRANSFER_SYNTAX, ts);
        }
        String burned = ds.getString(BURNED_IN_ANNOTATION);
        if ("YES".equalsIgnoreCase(burned)) {
            return new DicomDeidResult.Excluded(DicomDeidResult.Reason.BURNED_IN_ANNOTATION, "Burned In Annotation YES");
        }
        String modality = ds.getString(DicomTags.Modality);
        String sopClass = ds.getString(DicomTags.SOPClassUID, "");
        boolean risky = "US".equalsIgnoreCase(modality) || sopClass.equals(SECONDARY_CAPTURE)
                || sopClass.startsWith(SECONDARY_CAPTURE + ".");
        if (risky && !"NO".equalsIgnoreCase(burned)) {
            return new DicomDeidResult.Excluded(DicomDeidResult.Reason.POSSIBLY_BURNED_IN,
                    (modality == null ? "secondary capture" : modality) + " without Burned In Annotation NO");
        }
        return null;
    }

    private static final class State {
        final int shift;
        final String patientPseudonym;
        final Map<String, String> uids = new LinkedHashMap<>();
        /** Per-rule counts of this instance, added to the shared report once (not a map update per element). */
        final int[] rules = new int[RULE_IDS.length];
        int removed;
        int inText;

        State(int shift, String patientPseudonym) {
            this.shift = shift;
            this.patientPseudonym = patientPseudonym;
        }

        void count(int rule) {
            rules[rule]++;
        }

        void flushTo(DeidReport report) {
            for (int i = 0; i < rules.length; i++) {
                report.rule(RULE_IDS[i], rules[i]);
            }
        }
    }

    private static final int RULE_X = 0;
    private static final int RULE_Z = 1;
    private static final int RULE_D = 2;
    private static final int RULE_U = 3;
    private static final int RULE_C = 4;
    private static final int RULE_IN_TEXT = 5;
    private static final int RULE_BAD_DATE = 6;
    private static final String[] RULE_IDS = {"dicom:X", "dicom:Z", "dicom:D", "dicom:U", "dicom:C",
        "dicom:identifier-in-text", "dicom:unparseable-date"};

    private void process(DicomDataset in, DicomDataset out, State st) {
        for (DicomElement e : in.elements()) {
            int tag = e.tag();
            if ((tag & 0xFFFF) == 0) {
                continue;
            }
            if (tag == DicomTags.PixelData) {
                out.put(e);
                continue;
            }
            DicomActions.Action action = actions.actionFor(tag, e.vr());
            switch (action) {
                case X -> remove(st, RULE_X);
                case Z -> {
                    out.put(e.isSequence() ? DicomElement.ofSequence(tag, List.of()) : DicomElement.of(tag, e.vr(), new byte[0]));
                    st.count(RULE_Z);
                }
                case D -> {
                    if (tag == PATIENT_ID) {
                        out.put(DicomElement.of(tag, e.vr(), ascii(st.patientPseudonym, e.vr())));
                    } else {
                        out.put(DicomElement.of(tag, e.vr(), new byte[0]));
                    }
                    st.count(RULE_D);
                }
                case U -> {
                    if (e.isSequence()) {
                        out.put(DicomElement.ofSequence(tag, items(e, out, st)));
                    } else if (e.vr() == DicomVr.UI && e.bytes() != null) {
                        out.put(DicomElement.of(tag, DicomVr.UI, ascii(replaceUids(e.bytes(), st), DicomVr.UI)));
                    } else {
                        remove(st, RULE_X);
                    }
                }
                case C -> clean(e, in, out, st);
                case K -> keep(e, in, out, st);
                default -> throw new IllegalStateException(action.name());
            }
        }
    }

    private static void remove(State st, int rule) {
        st.removed++;
        st.count(rule);
    }

    private List<DicomDataset> items(DicomElement e, DicomDataset parentOut, State st) {
        List<DicomDataset> items = new ArrayList<>(e.items().size());
        for (DicomDataset item : e.items()) {
            DicomDataset o = new DicomDataset(parentOut.charset());
            process(item, o, st);
            items.add(o);
        }
        return items;
    }

    private void keep(DicomElement e, DicomDataset in, DicomDataset out, State st) {
        if (e.isSequence()) {
            out.put(DicomElement.ofSequence(e.tag(), items(e, out, st)));
            return;
        }
        if (e.vr().isText() && e.bytes() != null && e.bytes().length >= 11 && asciiDigits(e.bytes()) >= 11) {
            String text = String.join("\\", in.getStrings(e.tag()));
            PiiPatterns.Hit hit = PiiPatterns.find(text);
            if (hit != PiiPatterns.Hit.NONE) {
                st.inText++;
                if (hit == PiiPatterns.Hit.RESIDENT_ID) {
                    report.residentIdRemoved();
                } else {
                    report.mobileRemoved();
                }
                remove(st, RULE_IN_TEXT);
                return;
            }
        }
        out.put(e);
    }

    /**
     * ASCII digit bytes in a raw value: an upper bound of the digits its decoded text holds in every supported
     * character set (an ASCII digit is always the single byte 0x30-0x39; multi-byte sequences may add trail bytes in
     * that range but never decode to ASCII digits). {@link PiiPatterns} needs 11 digits, so values with fewer are not
     * decoded at all.
     */
    private static int asciiDigits(byte[] b) {
        int n = 0;
        for (byte x : b) {
            if (x >= '0' && x <= '9') {
                n++;
            }
        }
        return n;
    }

    private void clean(DicomElement e, DicomDataset in, DicomDataset out, State st) {
        if (e.bytes() == null) {
            keep(e, in, out, st);
            return;
        }
        String raw = new String(e.bytes(), StandardCharsets.US_ASCII).replace("\0", "").strip();
        // implicit VR files give tags missing from the reader's dictionary VR UN: a listed date is still a date
        boolean unknownDate = e.vr() == DicomVr.UN && raw.matches("[0-9]{8}.*") && e.tag() != PATIENT_AGE;
        if (e.vr() == DicomVr.DA || e.vr() == DicomVr.DT || unknownDate) {
            String v = raw;
            boolean dateTime = e.vr() == DicomVr.DT || unknownDate && v.length() > 8 && v.charAt(8) != '-';
            String shifted = v.isEmpty() ? "" : DateShift.dicom(v, st.shift, dateTime);
            if (shifted == null) {
                remove(st, RULE_BAD_DATE);
                return;
            }
            out.put(DicomElement.of(e.tag(), e.vr(), ascii(shifted, e.vr())));
            st.count(RULE_C);
            return;
        }
        if (e.tag() == PATIENT_AGE) {
            String v = new String(e.bytes(), StandardCharsets.US_ASCII).strip();
            if (v.length() == 4 && v.charAt(3) == 'Y' && v.substring(0, 3).chars().allMatch(Character::isDigit)
                    && Integer.parseInt(v.substring(0, 3)) >= 90) {
                v = "090Y";
            }
            out.put(DicomElement.of(e.tag(), e.vr(), ascii(v, e.vr())));
            st.count(RULE_C);
            return;
        }
        keep(e, in, out, st);
    }

    private String replaceUids(byte[] raw, State st) {
        String[] uids = new String(raw, StandardCharsets.US_ASCII).split("\\\\", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < uids.length; i++) {
            String uid = uids[i].replace("\0", "").strip();
            if (i > 0) {
                sb.append('\\');
            }
            if (uid.isEmpty() || uid.startsWith(DICOM_ROOT)) {
                sb.append(uid);
                continue;
            }
            String replacement = release.dicomUid(uid);
            if (!replacement.equals(uid)) {
                st.uids.put(uid, replacement);
            }
            sb.append(replacement);
        }
        st.count(RULE_U);
        return sb.toString();
    }

    private static byte[] ascii(String s, DicomVr vr) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length % 2 == 0) {
            return b;
        }
        byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
        p[b.length] = vr.padding();
        return p;
    }

    /*
     * The marks are fixed ASCII text, whose bytes are the same in every supported character set (no backslash or tilde,
     * the two ASCII positions JIS X 0201 redefines): encoded once instead of through a charset encoder per instance.
     */
    private static final DicomElement IDENTITY_REMOVED = text(PATIENT_IDENTITY_REMOVED, DicomVr.CS, "YES");
    private static final DicomElement METHOD = text(DEIDENTIFICATION_METHOD, DicomVr.LO, METHOD_TEXT);
    private static final DicomElement TEMPORAL_MODIFIED = text(LONGITUDINAL_TEMPORAL_MODIFIED, DicomVr.CS, "MODIFIED");
    private static final DicomElement[][] METHOD_CODES = {
        code("113100", "Basic Application Confidentiality Profile"),
        code("113107", "Retain Longitudinal Temporal Information Modified Dates Option"),
        code("113108", "Retain Patient Characteristics Option")};

    private static void addDeidentificationMarks(DicomDataset ds) {
        ds.put(IDENTITY_REMOVED);
        ds.put(METHOD);
        List<DicomDataset> codes = new ArrayList<>(METHOD_CODES.length);
        for (DicomElement[] code : METHOD_CODES) {
            DicomDataset item = new DicomDataset(ds.charset());
            for (DicomElement e : code) {
                item.put(e);
            }
            codes.add(item);
        }
        ds.putSequence(DEIDENTIFICATION_METHOD_CODES, codes);
        ds.put(TEMPORAL_MODIFIED);
    }

    private static DicomElement[] code(String value, String meaning) {
        return new DicomElement[] {text(DicomTags.CodeValue, DicomVr.SH, value),
            text(DicomTags.CodingSchemeDesignator, DicomVr.SH, "DCM"), text(DicomTags.CodeMeaning, DicomVr.LO, meaning)};
    }

    private static DicomElement text(int tag, DicomVr vr, String value) {
        return DicomElement.of(tag, vr, ascii(value, vr));
    }

    /** Streams the Pixel Data value: its header, then the bytes (or fragment items) exactly as read. */
    private static long copyPixelData(DicomElement px, InputStream in, OutputStream out, boolean implicit)
            throws IOException {
        byte[] buf = COPY_BUFFER.get();
        long length = px.bulkDataLength();
        boolean undefined = length < 0;
        writeTag(buf, 0, DicomTags.PixelData);
        int h = 4;
        if (!implicit) {
            String vr = px.vr() == DicomVr.OW ? "OW" : "OB";
            buf[h++] = (byte) vr.charAt(0);
            buf[h++] = (byte) vr.charAt(1);
            buf[h++] = 0;
            buf[h++] = 0;
        }
        writeU32(buf, h, undefined ? 0xFFFFFFFFL : length);
        out.write(buf, 0, h + 4);
        if (!undefined) {
            copy(in, out, length, buf);
            return length;
        }
        long total = 0;
        while (true) {
            if (in.readNBytes(buf, 0, 8) < 8) {
                throw new DicomParseException("truncated: encapsulated Pixel Data ends without a sequence delimiter", -1,
                        DicomTags.PixelData);
            }
            int tag = (u16(buf, 0) << 16) | u16(buf, 2);
            long len = u16(buf, 4) | (long) u16(buf, 6) << 16;
            out.write(buf, 0, 8);
            if (tag == DicomTags.SequenceDelimitationItem) {
                return total;
            }
            if (tag != DicomTags.Item || len == 0xFFFFFFFFL) {
                throw new DicomParseException("malformed fragment in encapsulated Pixel Data", -1, DicomTags.PixelData);
            }
            copy(in, out, len, buf);
            total += len;
        }
    }

    private static void copy(InputStream in, OutputStream out, long n, byte[] buf) throws IOException {
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new DicomParseException("truncated: Pixel Data ends " + left + " bytes early", -1, DicomTags.PixelData);
            }
            out.write(buf, 0, r);
            left -= r;
        }
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    private static void writeTag(byte[] b, int off, int tag) {
        b[off] = (byte) (tag >>> 16);
        b[off + 1] = (byte) (tag >>> 24);
        b[off + 2] = (byte) tag;
        b[off + 3] = (byte) (tag >>> 8);
    }

    private static void writeU32(byte[] b, int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
