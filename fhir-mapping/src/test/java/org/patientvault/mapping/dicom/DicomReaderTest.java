package org.patientvault.mapping.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.dicom.testing.DicomFixtures;

class DicomReaderTest {
    static DicomFixtures fx;
    final DicomReader reader = new DicomReader();

    @BeforeAll
    static void fixtures() throws IOException {
        fx = DicomFixtures.get();
    }

    @Test
    void everyFixtureMatchesDcm2jsonTagByTag() throws IOException {
        List<Path> all = new java.util.ArrayList<>(fx.ctSeries1);
        all.addAll(fx.ctSeries2);
        all.addAll(List.of(fx.ctBigEndian, fx.ctImplicit, fx.mrMultiframe, fx.mrDeflated, fx.usRgb, fx.ctJpeg,
                fx.ct8bit, fx.usJpegImg2dcm, fx.gbk, fx.usJpegMultiframe, fx.usJpegMultiframeNoOffsets));
        for (Path p : all) {
            DicomFile f = reader.read(p);
            int compared = OracleCompare.assertMatchesDcm2json(p, f.dataset());
            assertThat(compared).as("tags compared in %s", p.getFileName()).isGreaterThan(6);
        }
    }

    @Test
    void ctValuesGb18030AndTypedAccessors() throws IOException {
        DicomFile f = reader.read(fx.ctSeries1.get(1));
        DicomDataset ds = f.dataset();
        assertThat(f.transferSyntaxUid()).isEqualTo(DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN);
        assertThat(ds.charset().name()).isEqualTo("GB18030");
        assertThat(ds.getString(DicomTags.PatientName)).isEqualTo("张^三");
        assertThat(ds.getString(DicomTags.StudyDescription)).isEqualTo("胸部CT平扫");
        assertThat(ds.getString(DicomTags.StudyInstanceUID)).isEqualTo(DicomFixtures.CT_STUDY);
        assertThat(ds.getInt(DicomTags.Rows, -1)).isEqualTo(DicomFixtures.CT_ROWS);
        assertThat(ds.getInt(DicomTags.InstanceNumber, -1)).isEqualTo(2);
        assertThat(ds.getDoubles(DicomTags.ImagePositionPatient)).containsExactly(-100, -120.5, 2.25);
        assertThat(ds.getDouble(DicomTags.RescaleIntercept, 0)).isEqualTo(-1024);
        assertThat(ds.getStrings(DicomTags.ImageType)).containsExactly("ORIGINAL", "PRIMARY", "AXIAL");
        List<DicomDataset> code = ds.getSequence(DicomTags.RequestedProcedureCodeSequence);
        assertThat(code).hasSize(1);
        assertThat(code.get(0).getString(DicomTags.CodeValue)).isEqualTo("24627-2");
        assertThat(code.get(0).charset().name()).as("items inherit the charset").isEqualTo("GB18030");
        byte[] raw = Files.readAllBytes(fx.dir.resolve("ct1-2.raw"));
        assertThat(ds.get(DicomTags.PixelData).orElseThrow().bytes()).isEqualTo(raw);
    }

    @Test
    void bigEndianAndImplicitDecodeToTheSameModelAsLittleEndian() throws IOException {
        DicomDataset le = reader.read(fx.ctSeries1.get(0)).dataset();
        DicomFile be = reader.read(fx.ctBigEndian);
        DicomFile im = reader.read(fx.ctImplicit);
        assertThat(be.transferSyntaxUid()).isEqualTo(DicomTransferSyntax.EXPLICIT_VR_BIG_ENDIAN);
        assertThat(im.transferSyntaxUid()).isEqualTo(DicomTransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
        for (DicomDataset other : List.of(be.dataset(), im.dataset())) {
            assertThat(other.getInt(DicomTags.Columns, -1)).isEqualTo(DicomFixtures.CT_COLS);
            assertThat(other.getInt(DicomTags.BitsStored, -1)).isEqualTo(12);
            assertThat(other.getString(DicomTags.PatientName)).isEqualTo(le.getString(DicomTags.PatientName));
            assertThat(other.getSequence(DicomTags.RequestedProcedureCodeSequence))
                    .isEqualTo(le.getSequence(DicomTags.RequestedProcedureCodeSequence));
        }
        byte[] raw9 = Files.readAllBytes(fx.dir.resolve("ct-be.raw"));
        assertThat(be.dataset().get(DicomTags.PixelData).orElseThrow().bytes()).as("BE OW swapped to LE").isEqualTo(raw9);
    }

    @Test
    void mrImplicitUtf8MultiFrameAndDeflated() throws IOException {
        DicomDataset mr = reader.read(fx.mrMultiframe).dataset();
        DicomFile deflated = reader.read(fx.mrDeflated);
        assertThat(deflated.transferSyntaxUid()).isEqualTo(DicomTransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN);
        assertThat(mr.charset().name()).isEqualTo("UTF-8");
        assertThat(mr.getString(DicomTags.PatientName)).isEqualTo("李^四=李^四=li^si");
        assertThat(mr.getInt(DicomTags.NumberOfFrames, 0)).isEqualTo(3);
        assertThat(mr.getDouble(DicomTags.MagneticFieldStrength, 0)).isEqualTo(1.5);
        assertThat(mr.getString(DicomTags.SequenceName)).isEqualTo("*tse2d1");
        assertThat(deflated.dataset().getString(DicomTags.PatientName)).isEqualTo("李^四=李^四=li^si");
        assertThat(deflated.dataset().get(DicomTags.PixelData).orElseThrow().bytes())
                .isEqualTo(mr.get(DicomTags.PixelData).orElseThrow().bytes());
    }

    @Test
    void usUndefinedLengthSequencesAndLatin1() throws IOException {
        DicomDataset us = reader.read(fx.usRgb).dataset();
        assertThat(us.getString(DicomTags.PatientName)).isEqualTo("Müller^Jörg");
        List<DicomDataset> regions = us.getSequence(DicomTags.SequenceOfUltrasoundRegions);
        assertThat(regions).hasSize(2);
        assertThat(regions.get(0).getInt(DicomTags.TransducerFrequency, 0)).isEqualTo(3500);
        assertThat(regions.get(0).getDouble(DicomTags.PhysicalDeltaX, 0)).isEqualTo(0.015);
        assertThat(regions.get(1).getInt(DicomTags.TransducerFrequency, 0)).isEqualTo(5000);
        assertThat(us.getStrings(DicomTags.TransducerData)).containsExactly("C5-2", "curved");
    }

    @Test
    void jpegBaselineKeepsFragmentsAndOffsetTable() throws IOException {
        DicomFile f = reader.read(fx.ctJpeg);
        assertThat(f.transferSyntaxUid()).isEqualTo(DicomTransferSyntax.JPEG_BASELINE);
        DicomElement px = f.dataset().get(DicomTags.PixelData).orElseThrow();
        assertThat(px.isEncapsulated()).isTrue();
        assertThat(px.fragments()).hasSizeGreaterThanOrEqualTo(2);
        byte[] first = px.fragments().get(1);
        assertThat(first[0] & 0xFF).isEqualTo(0xFF);
        assertThat(first[1] & 0xFF).as("JPEG SOI").isEqualTo(0xD8);
    }

    @Test
    void skipModeRecordsPixelDataOffsetWithoutLoadingIt() throws IOException {
        Path p = fx.ctSeries1.get(0);
        DicomFile f = new DicomReader(DicomReadOptions.metadataOnly()).read(p);
        DicomElement px = f.dataset().get(DicomTags.PixelData).orElseThrow();
        assertThat(px.isBulkDataReference()).isTrue();
        byte[] file = Files.readAllBytes(p);
        byte[] raw = Files.readAllBytes(fx.dir.resolve("ct1-1.raw"));
        assertThat(px.bulkDataLength()).isEqualTo(raw.length);
        assertThat(java.util.Arrays.copyOfRange(file, (int) px.bulkDataOffset(), (int) px.bulkDataOffset() + raw.length))
                .isEqualTo(raw);
        assertThat(f.dataset().getString(DicomTags.PatientID)).isEqualTo("MRN0001");
        DicomFile jpeg = new DicomReader(DicomReadOptions.metadataOnly()).read(fx.ctJpeg);
        assertThat(jpeg.dataset().get(DicomTags.PixelData).orElseThrow().bulkDataLength()).isEqualTo(-1);
    }

    @Test
    void stopModeLeavesTheStreamAtThePixelData() throws IOException {
        Path p = fx.ctSeries1.get(2);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(p))) {
            DicomFile f = new DicomReader(DicomReadOptions.defaults()
                    .withPixelData(DicomReadOptions.PixelDataMode.STOP)).read(in);
            assertThat(f.stoppedAtPixelData()).isTrue();
            DicomElement px = f.dataset().get(DicomTags.PixelData).orElseThrow();
            byte[] rest = in.readNBytes((int) px.bulkDataLength());
            assertThat(rest).isEqualTo(Files.readAllBytes(fx.dir.resolve("ct1-3.raw")));
        }
    }

    @Test
    void metadataOfAOneGibibyteFileWithoutLoadingThePixels() throws IOException {
        DicomDataset ds = new DicomReader().read(fx.ct8bit).dataset();
        ds.remove(DicomTags.PixelData);
        byte[] head = new DicomWriter().toBytes(DicomFile.of(ds, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        Path big = fx.dir.resolve("big-sparse.dcm");
        long pixels = 1L << 30;
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(0);
            f.write(head);
            // (7FE0,0010) OB of 1 GiB, left sparse on disk, then a trailing (FFFC,FFFC) padding element
            f.write(new byte[] {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, 0, 0, 0, 0x40});
            f.seek(head.length + 12 + pixels);
            f.write(new byte[] {(byte) 0xFC, (byte) 0xFF, (byte) 0xFC, (byte) 0xFF, 'O', 'B', 0, 0, 2, 0, 0, 0, 7, 7});
        }
        try {
            Runtime rt = Runtime.getRuntime();
            long before = rt.totalMemory() - rt.freeMemory();
            long start = System.nanoTime();
            DicomFile f = new DicomReader(DicomReadOptions.metadataOnly().withMaxValueLength(1 << 20)).read(big);
            long millis = (System.nanoTime() - start) / 1_000_000;
            long after = rt.totalMemory() - rt.freeMemory();
            DicomElement px = f.dataset().get(DicomTags.PixelData).orElseThrow();
            assertThat(px.bulkDataLength()).isEqualTo(pixels);
            assertThat(px.bulkDataOffset()).isEqualTo(head.length + 12);
            assertThat(f.dataset().get(DicomTags.DataSetTrailingPadding).orElseThrow().bytes()).containsExactly(7, 7);
            assertThat(after - before).as("heap growth while skipping 1 GiB").isLessThan(64L << 20);
            assertThat(millis).as("skipping seeks instead of reading").isLessThan(5_000);
            // store-while-parsing: every byte reaches the sink, the heap stays flat
            long[] copied = {0};
            java.io.OutputStream sink = new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    copied[0]++;
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    copied[0] += len;
                }
            };
            long beforeCopy = rt.totalMemory() - rt.freeMemory();
            try (InputStream in = Files.newInputStream(big)) {
                DicomFile teed = new DicomReader(DicomReadOptions.metadataOnly()).readAndCopy(in, sink);
                assertThat(teed.dataset().get(DicomTags.PixelData).orElseThrow().bulkDataLength()).isEqualTo(pixels);
            }
            assertThat(copied[0]).isEqualTo(Files.size(big));
            assertThat(rt.totalMemory() - rt.freeMemory() - beforeCopy).as("heap growth while copying 1 GiB")
                    .isLessThan(64L << 20);
            // loading it with a 1 MiB value limit is refused up front
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DicomReader(DicomReadOptions.defaults()
                    .withMaxValueLength(1 << 20)).read(big)).isInstanceOf(DicomParseException.class)
                    .hasMessageContaining("exceeds the limit");
        } finally {
            Files.deleteIfExists(big);
        }
    }

    @Test
    void gbkTrailBytesThatLookLikeBackslashDoNotSplitValues() throws IOException {
        DicomDataset ds = reader.read(fx.gbk).dataset();
        assertThat(ds.charset().name()).isEqualTo("GBK");
        assertThat(ds.getString(DicomTags.PatientName)).isEqualTo("乗^太郎");
        assertThat(ds.getStrings(DicomTags.OtherPatientIDs)).containsExactly("乗A", "乗B");
    }

    @Test
    void unknownVrWithUndefinedLengthIsParsedAsAnImplicitSequence() throws IOException {
        DicomDataset head = new DicomDataset();
        head.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.3");
        head.putString(DicomTags.SOPInstanceUID, DicomVr.UI, "1.2.3.4");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new DicomWriter().toBytes(DicomFile.of(head, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN)));
        out.write(new byte[] {0x32, 0x00, 0x64, 0x10, 'U', 'N', 0, 0, -1, -1, -1, -1,
            -2, -1, 0x00, -32, -1, -1, -1, -1,
            0x08, 0x00, 0x00, 0x01, 4, 0, 0, 0, 'A', 'B', 'C', 'D',
            -2, -1, 0x0D, -32, 0, 0, 0, 0,
            -2, -1, -35, -32, 0, 0, 0, 0,
            0x10, 0x00, 0x20, 0x00, 'L', 'O', 2, 0, 'I', 'D'});
        Path p = fx.dir.resolve("un-sequence.dcm");
        Files.write(p, out.toByteArray());
        DicomDataset ds = reader.read(p).dataset();
        assertThat(ds.getSequence(DicomTags.RequestedProcedureCodeSequence)).singleElement()
                .satisfies(item -> assertThat(item.getString(DicomTags.CodeValue)).isEqualTo("ABCD"));
        assertThat(ds.getString(DicomTags.PatientID)).as("explicit VR resumes after the UN sequence").isEqualTo("ID");
        OracleCompare.assertMatchesDcm2json(p, ds);
    }

    @Test
    void readAndCopyProducesAByteIdenticalCopyInEveryPixelMode() throws IOException {
        for (DicomReadOptions.PixelDataMode mode : DicomReadOptions.PixelDataMode.values()) {
            for (Path p : List.of(fx.ctSeries1.get(0), fx.ctJpeg, fx.mrDeflated, fx.usRgb)) {
                java.io.ByteArrayOutputStream copy = new java.io.ByteArrayOutputStream();
                DicomFile f;
                try (InputStream in = Files.newInputStream(p)) {
                    f = new DicomReader(DicomReadOptions.defaults().withPixelData(mode)).readAndCopy(in, copy);
                }
                assertThat(copy.toByteArray()).as("%s %s", mode, p.getFileName()).isEqualTo(Files.readAllBytes(p));
                assertThat(f.dataset().getString(DicomTags.SOPInstanceUID)).isNotNull();
            }
        }
    }
}
