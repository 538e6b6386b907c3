package org.patientvault.mapping.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.dicom.testing.DicomFixtures;

class DicomZipReaderTest {
    static DicomFixtures fx;
    final List<String> received = new ArrayList<>();
    final List<DicomDataset> datasets = new ArrayList<>();

    @BeforeAll
    static void fixtures() throws IOException {
        fx = DicomFixtures.get();
    }

    private static byte[] zip(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                z.putNextEntry(new ZipEntry(m.getKey()));
                if (m.getValue() != null) {
                    z.write(m.getValue());
                }
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private DicomZipReader.Summary read(DicomZipReader reader, byte[] zip) throws IOException {
        DicomReader dicom = new DicomReader(DicomReadOptions.metadataOnly());
        return reader.read(new ByteArrayInputStream(zip), (name, in) -> {
            received.add(name);
            datasets.add(dicom.read(in).dataset());
        });
    }

    private static byte[] dicomHeaderThenZeros(int size) {
        byte[] b = new byte[size];
        b[128] = 'D';
        b[129] = 'I';
        b[130] = 'C';
        b[131] = 'M';
        return b;
    }

    @Test
    void streamsEveryInstanceAndSkipsJunk() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("study/", null);
        m.put("study/DICOMDIR", "not parsed".getBytes());
        m.put("__MACOSX/study/._IM1", "apple double".getBytes());
        m.put("study/.DS_Store", "finder".getBytes());
        List<Path> files = new ArrayList<>(fx.ctSeries1);
        files.addAll(fx.ctSeries2);
        for (int i = 0; i < files.size(); i++) {
            m.put("study/series/IM" + i, Files.readAllBytes(files.get(i)));
        }
        DicomZipReader.Summary s = read(new DicomZipReader(), zip(m));
        assertThat(s.instances()).isEqualTo(5);
        assertThat(s.ignored()).isEqualTo(4);
        assertThat(received).containsExactly("study/series/IM0", "study/series/IM1", "study/series/IM2",
                "study/series/IM3", "study/series/IM4");
        assertThat(datasets).extracting(d -> d.getString(DicomTags.SOPInstanceUID))
                .containsExactly(DicomFixtures.CT_STUDY + ".1.1", DicomFixtures.CT_STUDY + ".1.2",
                        DicomFixtures.CT_STUDY + ".1.3", DicomFixtures.CT_STUDY + ".2.1", DicomFixtures.CT_STUDY + ".2.2");
    }

    @Test
    void consumerMayReadOnlyPartOfAnInstance() throws IOException {
        byte[] z = zip(Map.of("a.dcm", Files.readAllBytes(fx.ctSeries1.get(0)), "b.dcm",
                Files.readAllBytes(fx.ctSeries1.get(1))));
        List<Integer> firstBytes = new ArrayList<>();
        DicomZipReader.Summary s = new DicomZipReader().read(new ByteArrayInputStream(z), (name, in) -> {
            firstBytes.add(in.readNBytes(10).length);
            in.close();
        });
        assertThat(s.instances()).isEqualTo(2);
        assertThat(firstBytes).containsExactly(10, 10);
    }

    @Test
    void zipSlipPathsAreRejectedBeforeTheConsumerSeesThem() throws IOException {
        for (String evil : List.of("../evil.dcm", "/etc/evil.dcm", "study/../../evil.dcm", "C:\\evil.dcm",
                "study\\..\\..\\evil.dcm")) {
            received.clear();
            byte[] z = zip(Map.of(evil, Files.readAllBytes(fx.ct8bit)));
            DicomZipException e = catchThrowableOfType(() -> read(new DicomZipReader(), z), DicomZipException.class);
            assertThat(e.reason()).as(evil).isEqualTo(DicomZipException.Reason.UNSAFE_PATH);
            assertThat(e.member()).isEqualTo(evil);
            assertThat(e).hasMessageContaining(evil);
            assertThat(received).isEmpty();
        }
    }

    @Test
    void bombsAreStoppedByRatioSizeTotalAndCountMeasuredWhileInflating() throws IOException {
        byte[] bomb = zip(Map.of("bomb.dcm", dicomHeaderThenZeros(40 << 20)));
        assertThat(bomb.length).isLessThan(200_000);
        DicomZipException ratio = catchThrowableOfType(() -> new DicomZipReader().read(new ByteArrayInputStream(bomb),
                (n, in) -> in.transferTo(OutputStreamSink.INSTANCE)), DicomZipException.class);
        assertThat(ratio.reason()).isEqualTo(DicomZipException.Reason.COMPRESSION_RATIO);
        assertThat(ratio.member()).isEqualTo("bomb.dcm");

        DicomZipLimits noRatio = new DicomZipLimits(1L << 40, 8 << 20, 1e9, 0, 100);
        DicomZipException size = catchThrowableOfType(() -> new DicomZipReader(noRatio)
                .read(new ByteArrayInputStream(bomb), (n, in) -> { }), DicomZipException.class);
        assertThat(size.reason()).as("limits apply even when the consumer reads nothing")
                .isEqualTo(DicomZipException.Reason.ENTRY_TOO_LARGE);

        byte[] three = zip(Map.of("a.dcm", dicomHeaderThenZeros(3 << 20), "b.dcm", dicomHeaderThenZeros(3 << 20),
                "c.dcm", dicomHeaderThenZeros(3 << 20)));
        DicomZipLimits total = new DicomZipLimits(7 << 20, 8 << 20, 1e9, 0, 100);
        DicomZipException tot = catchThrowableOfType(() -> new DicomZipReader(total)
                .read(new ByteArrayInputStream(three), (n, in) -> { }), DicomZipException.class);
        assertThat(tot.reason()).isEqualTo(DicomZipException.Reason.TOTAL_TOO_LARGE);

        // disguised as macOS junk: still inflated under the limits
        byte[] hidden = zip(Map.of("__MACOSX/bomb", new byte[40 << 20]));
        DicomZipException junk = catchThrowableOfType(() -> new DicomZipReader().read(new ByteArrayInputStream(hidden),
                (n, in) -> { }), DicomZipException.class);
        assertThat(junk.reason()).isEqualTo(DicomZipException.Reason.COMPRESSION_RATIO);

        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            many.put("f" + i + ".dcm", dicomHeaderThenZeros(200));
        }
        DicomZipException count = catchThrowableOfType(() -> new DicomZipReader(new DicomZipLimits(1 << 30, 1 << 30,
                200, 1 << 20, 10)).read(new ByteArrayInputStream(zip(many)), (n, in) -> { }), DicomZipException.class);
        assertThat(count.reason()).isEqualTo(DicomZipException.Reason.TOO_MANY_ENTRIES);
        assertThat(count.member()).isEqualTo("f10.dcm");
    }

    @Test
    void nonDicomMembersAndEmptyOrCorruptZipsAreRejectedByName() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("study/IM1", Files.readAllBytes(fx.ct8bit));
        m.put("study/report.pdf", "%PDF-1.4 not dicom".getBytes());
        DicomZipException e = catchThrowableOfType(() -> read(new DicomZipReader(), zip(m)), DicomZipException.class);
        assertThat(e.reason()).isEqualTo(DicomZipException.Reason.NOT_DICOM);
        assertThat(e).hasMessageContaining("study/report.pdf");
        assertThat(received).containsExactly("study/IM1");

        DicomZipException empty = catchThrowableOfType(() -> read(new DicomZipReader(),
                zip(Map.of("DICOMDIR", new byte[10]))), DicomZipException.class);
        assertThat(empty.reason()).isEqualTo(DicomZipException.Reason.NO_INSTANCES);

        byte[] good = zip(Map.of("IM1", Files.readAllBytes(fx.ctSeries1.get(0))));
        byte[] cut = java.util.Arrays.copyOf(good, good.length / 2);
        DicomZipException corrupt = catchThrowableOfType(() -> read(new DicomZipReader(), cut), DicomZipException.class);
        assertThat(corrupt.reason()).isEqualTo(DicomZipException.Reason.CORRUPT_ZIP);
        assertThat(corrupt.member()).isEqualTo("IM1");
    }

    /** A sink that discards. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
