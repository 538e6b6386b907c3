package org.patientvault.mapping.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.dicom.testing.Dcmtk;
import org.patientvault.mapping.dicom.testing.DicomFixtures;

class DicomWriterTest {
    static DicomFixtures fx;
    final DicomReader reader = new DicomReader();
    final DicomWriter writer = new DicomWriter();

    @BeforeAll
    static void fixtures() throws IOException {
        fx = DicomFixtures.get();
    }

    static void assertDcmdumpClean(Path p) throws IOException {
        Dcmtk.Result r = Dcmtk.exec(p.getParent(), "dcmdump", "-E", p.toString());
        assertThat(r.exitCode()).as("dcmdump exit for %s: %s", p, r.stderr()).isZero();
        assertThat(r.stderr()).as("dcmdump stderr for %s", p).doesNotContain("E:").doesNotContain("W:");
    }

    @Test
    void roundTripThroughEveryWritableSyntaxPassesDcmdumpAndEqualsTheOriginal() throws IOException {
        List<Path> inputs = new ArrayList<>(List.of(fx.ctSeries1.get(0), fx.ctBigEndian, fx.ctImplicit, fx.mrMultiframe,
                fx.mrDeflated, fx.usRgb));
        Path out = Files.createDirectories(fx.dir.resolve("written"));
        int n = 0;
        for (Path in : inputs) {
            DicomFile original = reader.read(in);
            for (String ts : List.of(DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN,
                    DicomTransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN, DicomTransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN)) {
                Path p = out.resolve((n++) + "-" + in.getFileName());
                writer.write(DicomFile.of(original.dataset(), ts), p);
                assertDcmdumpClean(p);
                DicomFile back = reader.read(p);
                assertThat(back.transferSyntaxUid()).isEqualTo(ts);
                DicomDataset expected = original.dataset();
                if (ts.equals(DicomTransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)) {
                    expected = withPixelDataAsOw(expected); // implicit VR has no VR field: Pixel Data reads as OW
                }
                assertThat(back.dataset()).as("round trip of %s as %s", in.getFileName(), ts).isEqualTo(expected);
                assertThat(back.fileMeta().getString(DicomTags.MediaStorageSOPInstanceUID))
                        .isEqualTo(original.dataset().getString(DicomTags.SOPInstanceUID));
                OracleCompare.assertMatchesDcm2json(p, back.dataset());
            }
        }
    }

    private static DicomDataset withPixelDataAsOw(DicomDataset ds) {
        DicomDataset copy = new DicomDataset();
        ds.elements().forEach(copy::put);
        DicomElement px = ds.get(DicomTags.PixelData).orElseThrow();
        copy.put(DicomElement.of(DicomTags.PixelData, DicomVr.OW, px.bytes()));
        return copy;
    }

    @Test
    void encapsulatedJpegRoundTrip() throws IOException {
        for (Path in : List.of(fx.ctJpeg, fx.usJpegImg2dcm)) {
            DicomFile original = reader.read(in);
            Path p = fx.dir.resolve("written-" + in.getFileName());
            writer.write(DicomFile.of(original.dataset(), original.transferSyntaxUid()), p);
            assertDcmdumpClean(p);
            DicomFile back = reader.read(p);
            assertThat(back.dataset()).isEqualTo(original.dataset());
            OracleCompare.assertMatchesDcm2json(p, back.dataset());
            // dcmtk can decode what we wrote back to raw pixels.
            Dcmtk.run(fx.dir, "dcmdjpeg", p.toString(), fx.dir.resolve("decoded-" + in.getFileName()).toString());
        }
    }

    @Test
    void datasetBuiltInCodeIsReadableByDcmtkWithUtf8AndNestedSequences() throws IOException {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.SpecificCharacterSet, DicomVr.CS, "ISO_IR 192");
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.840.10008.5.1.4.1.1.7");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI, "2.25.99.1");
        ds.putString(DicomTags.PatientName, DicomVr.PN, "张^三");
        ds.putString(DicomTags.PixelSpacing, DicomVr.DS, "0.5", "0.25");
        ds.putInt(DicomTags.Rows, DicomVr.US, 2);
        DicomDataset inner = new DicomDataset(ds.charset());
        inner.putString(DicomTags.CodeMeaning, DicomVr.LO, "胸部");
        DicomDataset outer = new DicomDataset(ds.charset());
        outer.putSequence(DicomTags.ProcedureCodeSequence, List.of(inner));
        ds.putSequence(DicomTags.RequestedProcedureCodeSequence, List.of(outer, new DicomDataset(ds.charset())));
        Path p = fx.dir.resolve("built.dcm");
        writer.write(DicomFile.of(ds, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), p);
        assertDcmdumpClean(p);
        String dump = Dcmtk.run(fx.dir, "dcmdump", p.toString());
        assertThat(dump).contains("张^三").contains("胸部").contains("0.5\\0.25");
        assertThat(reader.read(p).dataset()).isEqualTo(ds);
        OracleCompare.assertMatchesDcm2json(p, ds);
    }

    @Test
    void refusesWhatItCannotWrite() throws IOException {
        DicomDataset noUid = new DicomDataset();
        assertThatThrownBy(() -> writer.toBytes(DicomFile.of(noUid, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)))
                .isInstanceOf(DicomWriteException.class).hasMessageContaining("SOP Instance UID");
        DicomDataset jpeg = reader.read(fx.ctJpeg).dataset();
        assertThatThrownBy(() -> writer.toBytes(DicomFile.of(jpeg, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)))
                .isInstanceOf(DicomWriteException.class).hasMessageContaining("encapsulated");
        DicomDataset skipped = new DicomReader(DicomReadOptions.metadataOnly()).read(fx.ctImplicit).dataset();
        assertThatThrownBy(() -> writer.toBytes(DicomFile.of(skipped, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)))
                .isInstanceOf(DicomWriteException.class).hasMessageContaining("not loaded");
        assertThatThrownBy(() -> writer.toBytes(DicomFile.of(jpeg, DicomTransferSyntax.EXPLICIT_VR_BIG_ENDIAN)))
                .isInstanceOf(DicomWriteException.class);
        assertThatThrownBy(() -> new DicomDataset().putString(DicomTags.PatientName, DicomVr.PN, "张三"))
                .isInstanceOf(DicomValueException.class).hasMessageContaining("SpecificCharacterSet");
        byte[] ok = writer.toBytes(DicomFile.of(reader.read(fx.ct8bit).dataset(), DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        assertThat(reader.read(new ByteArrayInputStream(ok)).dataset().getInt(DicomTags.Rows, 0))
                .isEqualTo(DicomFixtures.CT_ROWS);
    }

    /**
     * The writer encodes through an 8 KiB buffer that large values bypass and that keeps the whole meta group until
     * its length is patched: values on either side of those sizes, a meta group larger than the buffer, in every
     * writable syntax, must come back byte-identical and dcmdump-clean.
     */
    @Test
    void valuesAroundTheBufferSizesAndALargeMetaGroupRoundTrip() throws IOException {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.840.10008.5.1.4.1.1.7");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI, "1.2.826.0.1.3680043.2.1125.77.1");
        int[] sizes = {1, 4095, 4096, 4097, 8190, 8192, 8194, 20000};
        for (int i = 0; i < sizes.length; i++) {
            byte[] v = new byte[sizes[i]];
            for (int k = 0; k < v.length; k++) {
                v[k] = (byte) (k * 7 + i);
            }
            ds.put(DicomElement.of(0x00091010 + i, DicomVr.OB, v));
        }
        ds.putString(0x00090010, DicomVr.LO, "PV TEST");
        DicomDataset meta = new DicomDataset();
        meta.putString(0x00020100, DicomVr.UI, "1.2.3.4");
        meta.put(DicomElement.of(0x00020102, DicomVr.OB, new byte[12000]));
        for (String ts : List.of(DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, DicomTransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN,
                DicomTransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN)) {
            Path p = fx.dir.resolve("buffer-sizes-" + ts + ".dcm");
            writer.write(new DicomFile(meta, ts, ds, false), p);
            assertDcmdumpClean(p);
            DicomFile back = reader.read(p);
            assertThat(back.transferSyntaxUid()).isEqualTo(ts);
            assertThat(back.fileMeta().get(0x00020102).orElseThrow().bytes()).hasSize(12000);
            for (int i = 0; i < sizes.length; i++) {
                assertThat(back.dataset().get(0x00091010 + i).orElseThrow().bytes()).as("size %d in %s", sizes[i], ts)
                        .isEqualTo(ds.get(0x00091010 + i).orElseThrow().bytes().length % 2 == 0
                                ? ds.get(0x00091010 + i).orElseThrow().bytes()
                                : java.util.Arrays.copyOf(ds.get(0x00091010 + i).orElseThrow().bytes(), sizes[i] + 1));
            }
        }
    }
}
