package org.patientvault.mapping.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomElement;
import org.patientvault.mapping.dicom.DicomFile;
import org.patientvault.mapping.dicom.DicomParseException;
import org.patientvault.mapping.dicom.DicomReader;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.mapping.dicom.DicomTransferSyntax;
import org.patientvault.mapping.dicom.DicomVr;
import org.patientvault.mapping.dicom.DicomWriter;
import org.patientvault.mapping.dicom.testing.Dcmtk;
import org.patientvault.mapping.dicom.testing.DicomFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DICOM side, checked with dcmtk as the oracle. */
class DicomDeidentifierTest {
    private static final DeidRelease RELEASE = DeidRelease.fromKey("dicom-test-release-key-0123456789".getBytes(
            StandardCharsets.US_ASCII), 180, LocalDate.of(2026, 12, 1));
    private static DeidDicomCorpus corpus;
    private static Path out;

    @BeforeAll
    static void build() throws IOException {
        corpus = new DeidDicomCorpus(Path.of("target", "deid-dicom").toAbsolutePath());
        out = corpus.dir.resolve("out");
        Files.createDirectories(out);
    }

    private static Path deid(DicomDeidentifier d, String patient, Path in, String name, DicomDeidResult[] result)
            throws IOException {
        Path target = out.resolve(name + ".dcm");
        try (InputStream is = Files.newInputStream(in); OutputStream os = Files.newOutputStream(target)) {
            result[0] = d.deidentify(patient, is, os);
        }
        return target;
    }

    private static void assertDcmtkAccepts(Path p) throws IOException {
        Dcmtk.Result r = Dcmtk.exec(p.getParent(), "dcmdump", "-E", p.toString());
        assertThat(r.exitCode()).as("dcmdump -E exit: %s", r.stderr()).isZero();
        assertThat(r.stderr()).doesNotContain("E:").doesNotContain("W:");
    }

    private static String dump(Path p) throws IOException {
        // GB18030 on both sides so Chinese markers are compared as text
        Dcmtk.Result r = Dcmtk.exec(p.getParent(), "dcmdump", "+U8", p.toString());
        assertThat(r.exitCode()).isZero();
        return r.stdout();
    }

    private static void assertNoMarker(Path p, List<String> markers, String dump) throws IOException {
        byte[] bytes = Files.readAllBytes(p);
        for (String m : markers) {
            assertThat(dump).as("dcmdump of %s", p.getFileName()).doesNotContain(m);
            for (Charset cs : List.of(StandardCharsets.UTF_8, Charset.forName("GB18030"))) {
                assertThat(indexOf(bytes, m.getBytes(cs))).as("marker %s in %s bytes (%s)", m, p.getFileName(), cs)
                        .isNegative();
            }
        }
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The value as ASCII whatever the VR (implicit-VR files read tags missing from the dictionary as UN). */
    private static String raw(DicomDataset ds, int tag) {
        return new String(ds.get(tag).orElseThrow().bytes(), StandardCharsets.US_ASCII).strip();
    }

    private static DicomDataset read(Path p) throws IOException {
        return new DicomReader().read(p).dataset();
    }

    @Test
    void explicitAndImplicitCtLoseEveryMarkerAndKeepPixelsAndCodes() throws IOException {
        DicomDeidentifier d = new DicomDeidentifier(RELEASE);
        for (String ts : List.of("+te", "+ti")) {
            int p = ts.equals("+te") ? 1 : 2;
            String patient = "pat-" + p;
            Path in = corpus.instance(p, "ct-" + p, "CT", "CTImageStorage", null, ts);
            DicomDeidResult[] r = new DicomDeidResult[1];
            Path o = deid(d, patient, in, "ct-" + p, r);
            assertThat(r[0]).isInstanceOf(DicomDeidResult.Written.class);
            assertDcmtkAccepts(o);
            String dump = dump(o);
            assertNoMarker(o, corpus.markers, dump);
            DicomDataset before = read(in);
            DicomDataset after = read(o);
            for (String date : List.of(before.getString(DicomTags.StudyDate), before.getString(0x00100030))) {
                assertThat(dump).doesNotContain(date);
            }
            // clinical content identical: pixel data bytes, modality, body part, slice thickness, codes, sex, weight
            assertThat(after.get(DicomTags.PixelData).orElseThrow().bytes())
                    .isEqualTo(before.get(DicomTags.PixelData).orElseThrow().bytes());
            for (int tag : new int[] {DicomTags.Modality, 0x00180015, 0x00180050, 0x00100040, 0x00101030, 0x00280010}) {
                assertThat(after.getStrings(tag)).as(DicomTags.toString(tag)).isEqualTo(before.getStrings(tag));
            }
            DicomDataset code = after.getSequence(0x00321064).get(0);
            assertThat(code.getString(DicomTags.CodeValue)).isEqualTo("24627-2");
            assertThat(code.getString(DicomTags.CodeMeaning)).isEqualTo("CT Chest");
            // dates shifted by the patient's offset, times kept
            LocalDate orig = LocalDate.parse(before.getString(DicomTags.StudyDate), DateTimeFormatter.BASIC_ISO_DATE);
            assertThat(after.getString(DicomTags.StudyDate)).isEqualTo(
                    orig.plusDays(RELEASE.shiftDays(patient)).format(DateTimeFormatter.BASIC_ISO_DATE));
            // raw bytes: the module's implicit-VR dictionary has no entry for Acquisition DateTime (read as UN)
            assertThat(new String(after.get(0x0008002A).orElseThrow().bytes(), StandardCharsets.US_ASCII).strip()).endsWith("101500.000000+0800")
                    .startsWith(after.getString(DicomTags.StudyDate));
            assertThat(after.getString(0x00080030)).isEqualTo("101500");
            // UIDs: the release's mapping, references inside sequences too
            String study = DeidDicomCorpus.studyUid(p);
            assertThat(after.getString(DicomTags.StudyInstanceUID)).isEqualTo(RELEASE.dicomUid(study));
            assertThat(after.getString(DicomTags.SOPInstanceUID)).isEqualTo(RELEASE.dicomUid(study + ".1.1"));
            if (p == 1) {
                assertThat(after.getSequence(0x00081140).get(0).getString(0x00081155))
                        .isEqualTo(RELEASE.dicomUid(study + ".9.9"));
                assertThat(after.getSequence(0x00081140).get(0).getString(0x00081150))
                        .isEqualTo("1.2.840.10008.5.1.4.1.1.2");
            } else {
                // implicit VR: a sequence of defined length missing from the reader's dictionary arrives as UN and is
                // removed (X is allowed for it in Annex E) rather than shipped uninspected
                assertThat(after.contains(0x00081140)).isFalse();
            }
            assertThat(((DicomDeidResult.Written) r[0]).uidMap()).containsEntry(study, RELEASE.dicomUid(study));
            // Annex E bookkeeping
            assertThat(raw(after, 0x00120062)).isEqualTo("YES");
            assertThat(after.getSequence(0x00120064)).extracting(i -> i.getString(DicomTags.CodeValue))
                    .contains("113100", "113107");
            assertThat(raw(after, 0x00280303)).isEqualTo("MODIFIED");
            assertThat(after.getString(0x00100020)).isEqualTo(RELEASE.patientPseudonym(patient));
            assertThat(after.contains(0x00100010)).isTrue();
            assertThat(after.getString(0x00100010)).isNull();
            assertThat(after.elements()).noneMatch(e -> ((e.tag() >>> 16) & 1) == 1);
            assertThat(after.contains(0x00400275)).isFalse();
            assertThat(((DicomDeidResult.Written) r[0]).identifiersInText()).isEqualTo(0);
        }
    }

    @Test
    void encapsulatedPixelDataIsCopiedFragmentForFragment() throws IOException {
        DicomDeidentifier d = new DicomDeidentifier(RELEASE);
        Path native8 = corpus.instance(3, "ct-3", "CT", "CTImageStorage", "NO", "+te");
        Path in = corpus.jpeg(native8, "ct-3-jpeg");
        DicomDeidResult[] r = new DicomDeidResult[1];
        Path o = deid(d, "pat-3", in, "ct-3-jpeg", r);
        assertThat(r[0]).isInstanceOf(DicomDeidResult.Written.class);
        assertDcmtkAccepts(o);
        assertNoMarker(o, corpus.markers, dump(o));
        DicomFile before = new DicomReader().read(in);
        DicomFile after = new DicomReader().read(o);
        assertThat(after.transferSyntaxUid()).isEqualTo(before.transferSyntaxUid());
        List<byte[]> fb = before.dataset().get(DicomTags.PixelData).orElseThrow().fragments();
        List<byte[]> fa = after.dataset().get(DicomTags.PixelData).orElseThrow().fragments();
        assertThat(fa).hasSameSizeAs(fb);
        for (int i = 0; i < fb.size(); i++) {
            assertThat(fa.get(i)).isEqualTo(fb.get(i));
        }
        // dcmtk decodes the copied JPEG to the same pixels as the original
        Path db = corpus.dir.resolve("dec-before.dcm");
        Path da = corpus.dir.resolve("dec-after.dcm");
        Dcmtk.run(corpus.dir, "dcmdjpeg", in.toString(), db.toString());
        Dcmtk.run(corpus.dir, "dcmdjpeg", o.toString(), da.toString());
        assertThat(read(da).get(DicomTags.PixelData).orElseThrow().bytes())
                .isEqualTo(read(db).get(DicomTags.PixelData).orElseThrow().bytes());
    }

    @Test
    void burnedInAndLikelyBurnedInInstancesAreExcludedAndNothingIsWritten() throws IOException {
        DicomDeidentifier d = new DicomDeidentifier(RELEASE);
        record Case(Path in, DicomDeidResult.Reason reason) {
        }
        List<Case> cases = List.of(
                new Case(corpus.instance(4, "ct-burned", "CT", "CTImageStorage", "YES", "+te"),
                        DicomDeidResult.Reason.BURNED_IN_ANNOTATION),
                new Case(corpus.instance(5, "us-unknown", "US", "UltrasoundImageStorage", null, "+te"),
                        DicomDeidResult.Reason.POSSIBLY_BURNED_IN),
                new Case(corpus.instance(6, "sc-unknown", "OT", "SecondaryCaptureImageStorage", null, "+te"),
                        DicomDeidResult.Reason.POSSIBLY_BURNED_IN),
                new Case(DicomFixtures.get().usRgb, DicomDeidResult.Reason.POSSIBLY_BURNED_IN),
                new Case(DicomFixtures.get().ctBigEndian, DicomDeidResult.Reason.UNSUPPORTED_TRANSFER_SYNTAX));
        for (Case c : cases) {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            try (InputStream is = Files.newInputStream(c.in())) {
                DicomDeidResult r = d.deidentify("pat-x", is, sink);
                assertThat(r).isInstanceOfSatisfying(DicomDeidResult.Excluded.class,
                        e -> assertThat(e.reason()).isEqualTo(c.reason()));
            }
            assertThat(sink.size()).as(c.in().toString()).isZero();
        }
        assertThat(d.report().excluded()).containsEntry("POSSIBLY_BURNED_IN", 3L).containsEntry("BURNED_IN_ANNOTATION", 1L);
        // an explicit NO lets ultrasound and secondary capture through
        DicomDeidResult[] r = new DicomDeidResult[1];
        Path o = deid(d, "pat-7", corpus.instance(7, "us-no", "US", "UltrasoundImageStorage", "NO", "+te"), "us-no", r);
        assertThat(r[0]).isInstanceOf(DicomDeidResult.Written.class);
        assertDcmtkAccepts(o);
    }

    @Test
    void identifiersLeftInKeptTextAreRemovedAndCounted() throws IOException {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.SpecificCharacterSet, DicomVr.CS, "ISO_IR 192");
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.840.10008.5.1.4.1.1.2");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI, "2.25.123");
        ds.putString(DicomTags.Modality, DicomVr.CS, "CT");
        ds.putString(0x00181030 + 0x10, DicomVr.LO, "call 139 1234 5678");
        ds.putString(0x00081090, DicomVr.LO, "scanner of " + DeidCorpus.residentId(9));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        new DicomWriter().write(DicomFile.of(ds, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), o);
        DicomDeidentifier d = new DicomDeidentifier(RELEASE);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        DicomDeidResult r = d.deidentify("p", new ByteArrayInputStream(o.toByteArray()), sink);
        assertThat(((DicomDeidResult.Written) r).identifiersInText()).isEqualTo(2);
        assertThat(d.report().residentIdsRemoved()).isEqualTo(1);
        assertThat(d.report().mobileNumbersRemoved()).isEqualTo(1);
        DicomDataset after = new DicomReader().read(new ByteArrayInputStream(sink.toByteArray())).dataset();
        assertThat(after.contains(0x00181040)).isFalse();
        assertThat(after.contains(0x00081090)).isFalse();
    }

    @Test
    void truncatedPixelDataFails() throws IOException {
        Path in = corpus.instance(8, "ct-8", "CT", "CTImageStorage", null, "+te");
        byte[] all = Files.readAllBytes(in);
        byte[] cut = java.util.Arrays.copyOf(all, all.length - 100);
        assertThatThrownBy(() -> new DicomDeidentifier(RELEASE).deidentify("p", new ByteArrayInputStream(cut),
                OutputStream.nullOutputStream())).isInstanceOf(DicomParseException.class).hasMessageContaining("truncated");
    }

    /**
     * A 1 GiB instance streams through: the pixel bytes are generated on the fly and digested on the way out, and the
     * thread allocates a few MiB in total, so nothing holds the pixel data.
     */
    @Test
    void oneGibInstanceIsStreamedWithFlatHeap() throws Exception {
        long pixelBytes = 1L << 30;
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.840.10008.5.1.4.1.1.2");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI, "2.25.42");
        ds.putString(DicomTags.Modality, DicomVr.CS, "CT");
        ds.putString(0x00100010, DicomVr.PN, "Big^Patient");
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        new DicomWriter().write(DicomFile.of(ds, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), header);
        byte[] pxHeader = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'W', 0, 0, 0, 0, 0, 0x40};
        InputStream pixels = new InputStream() {
            long left = pixelBytes;

            @Override
            public int read() {
                return left-- > 0 ? (int) (left * 31 & 0xFF) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) ((left - i - 1) * 31);
                }
                left -= n;
                return n;
            }
        };
        InputStream in = new SequenceInputStream(new SequenceInputStream(new ByteArrayInputStream(header.toByteArray()),
                new ByteArrayInputStream(pxHeader)), pixels);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long[] count = {0};
        OutputStream digesting = new OutputStream() {
            @Override
            public void write(int b) {
                sha.update((byte) b);
                count[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                sha.update(b, off, len);
                count[0] += len;
            }
        };
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        DicomDeidResult r = new DicomDeidentifier(RELEASE).deidentify("big", in, digesting);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(r).isInstanceOfSatisfying(DicomDeidResult.Written.class,
                w -> assertThat(w.pixelDataBytes()).isEqualTo(pixelBytes));
        assertThat(count[0]).isGreaterThan(pixelBytes);
        assertThat(allocated).as("bytes allocated while streaming 1 GiB").isLessThan(16L << 20);
        assertThat(HexFormat.of().formatHex(sha.digest())).hasSize(64);
    }
}
