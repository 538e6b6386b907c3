package org.patientvault.mapping.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.dicom.testing.DicomFixtures;

class DicomReaderBadInputTest {
    static DicomFixtures fx;
    final DicomReader reader = new DicomReader();

    @BeforeAll
    static void fixtures() throws IOException {
        fx = DicomFixtures.get();
    }

    private DicomFile read(byte[] b) throws IOException {
        return reader.read(new ByteArrayInputStream(b));
    }

    /** A valid explicit-LE header (preamble + meta) followed by {@code body}. */
    private static byte[] withBody(byte[] body) throws IOException {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.3");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI, "1.2.3.4");
        byte[] file = new DicomWriter().toBytes(DicomFile.of(ds, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(file);
        out.write(body);
        return out.toByteArray();
    }

    @Test
    void wrongPreambleAndShortFilesAreRejectedWithOffset() {
        byte[] junk = new byte[200];
        DicomParseException e = (DicomParseException) catchThrowable(() -> read(junk));
        assertThat(e).hasMessageContaining("DICM");
        assertThat(e.offset()).isEqualTo(128);
        assertThatThrownBy(() -> read(new byte[10])).isInstanceOf(DicomParseException.class)
                .hasMessageContaining("only 10 bytes");
    }

    @Test
    void truncationInsidePixelDataNamesTheTag() throws IOException {
        byte[] file = Files.readAllBytes(fx.ctSeries1.get(0));
        DicomParseException e = (DicomParseException) catchThrowable(() -> read(Arrays.copyOf(file, file.length - 100)));
        assertThat(e).hasMessageContaining("truncated");
        assertThat(e.tag()).isEqualTo(DicomTags.PixelData);
        assertThat(e.offset()).isEqualTo(file.length - 100);
    }

    @Test
    void everyTruncationPointGivesATypedErrorOrAShorterValidDataset() throws IOException {
        byte[] file = Files.readAllBytes(fx.usRgb);
        int errors = 0;
        for (int cut = 0; cut < file.length; cut += 3) {
            int at = cut;
            Throwable t = catchThrowable(() -> read(Arrays.copyOf(file, at)));
            if (t != null) {
                assertThat(t).as("cut at %d", cut).isInstanceOf(DicomParseException.class);
                errors++;
            }
        }
        assertThat(errors).isGreaterThan(file.length / 3 - 60);
    }

    @Test
    void absurdLengthIsRejectedBeforeAllocating() throws IOException {
        // (0009,0010)? no: a UN element claiming 0xFFFFFFF0 bytes
        byte[] body = {0x11, 0x00, 0x10, 0x00, 'U', 'N', 0, 0, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2};
        DicomParseException e = (DicomParseException) catchThrowable(() -> read(withBody(body)));
        assertThat(e).hasMessageContaining("exceeds the limit");
        assertThat(e.tag()).isEqualTo(0x00110010);
        // within the limit but longer than the stream: truncated, and no giant buffer on the way
        DicomReader small = new DicomReader(DicomReadOptions.defaults().withMaxValueLength(1 << 20));
        byte[] body2 = {0x11, 0x00, 0x10, 0x00, 'O', 'B', 0, 0, 0, 0, 0x10, 0, 1, 2};
        assertThatThrownBy(() -> small.read(new ByteArrayInputStream(withBody(body2))))
                .isInstanceOf(DicomParseException.class).hasMessageContaining("truncated");
    }

    @Test
    void unknownVrAndStrayDelimitersAreRejected() throws IOException {
        byte[] badVr = {0x10, 0x00, 0x10, 0x00, 'Z', 'Z', 2, 0, 'A', ' '};
        assertThatThrownBy(() -> read(withBody(badVr))).isInstanceOf(DicomParseException.class)
                .hasMessageContaining("unknown VR");
        byte[] stray = {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0};
        assertThatThrownBy(() -> read(withBody(stray))).isInstanceOf(DicomParseException.class)
                .hasMessageContaining("delimiter");
        // a defined-length item whose element overruns it
        byte[] overrun = {0x64, 0x10, 0x32, 0x00, 'S', 'Q', 0, 0, 16, 0, 0, 0,
            (byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, 8, 0, 0, 0,
            0x00, 0x08, 0x00, 0x01, 'S', 'H', 4, 0, 'A', 'B', 'C', 'D'};
        assertThatThrownBy(() -> read(withBody(overrun))).isInstanceOf(DicomParseException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void tooDeepNestingIsRejected() throws IOException {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.3");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI, "1.2.3.4");
        DicomDataset inner = new DicomDataset();
        inner.putString(DicomTags.CodeValue, DicomVr.SH, "X");
        for (int i = 0; i < 40; i++) {
            DicomDataset outer = new DicomDataset();
            outer.putSequence(DicomTags.ProcedureCodeSequence, List.of(inner));
            inner = outer;
        }
        ds.putSequence(DicomTags.RequestedProcedureCodeSequence, List.of(inner));
        byte[] file = new DicomWriter().toBytes(DicomFile.of(ds, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        DicomParseException e = (DicomParseException) catchThrowable(() -> read(file));
        assertThat(e).hasMessageContaining("nesting deeper than 16");
        assertThat(new DicomReader(DicomReadOptions.defaults().withMaxDepth(64)).read(new ByteArrayInputStream(file))
                .dataset()).isEqualTo(ds);
    }

    @Test
    void randomCorruptionNeverEscapesAsAnUntypedException() throws IOException {
        byte[] file = Files.readAllBytes(fx.usRgb);
        DicomReader bounded = new DicomReader(DicomReadOptions.defaults().withMaxValueLength(1 << 20));
        Random rnd = new Random(42);
        int parsed = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] b = file.clone();
            for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                int at = 128 + rnd.nextInt(Math.min(b.length, 1400) - 128);
                b[at] = (byte) rnd.nextInt(256);
            }
            try {
                bounded.read(new ByteArrayInputStream(b));
                parsed++;
            } catch (DicomParseException expected) {
                assertThat(expected.getMessage()).contains("offset");
            }
        }
        assertThat(parsed).isLessThan(3000);
    }

    @Test
    void missingTransferSyntaxIsRejected() {
        byte[] b = new byte[132 + 12];
        b[128] = 'D';
        b[129] = 'I';
        b[130] = 'C';
        b[131] = 'M';
        byte[] el = {0x02, 0x00, 0x02, 0x00, 'U', 'I', 4, 0, '1', '.', '2', 0};
        System.arraycopy(el, 0, b, 132, el.length);
        assertThatThrownBy(() -> read(b)).isInstanceOf(DicomParseException.class)
                .hasMessageContaining("Transfer Syntax UID");
    }

    @Test
    void corruptOrTruncatedDeflatedDatasetsAreTyped() throws IOException {
        byte[] file = Files.readAllBytes(fx.mrDeflated);
        for (int cut : new int[] {file.length - 1, file.length / 2, 400}) {
            assertThatThrownBy(() -> read(Arrays.copyOf(file, cut))).as("cut %d", cut)
                    .isInstanceOf(DicomParseException.class);
        }
        byte[] garbled = file.clone();
        for (int i = 360; i < 420 && i < garbled.length; i++) {
            garbled[i] = (byte) 0xFF;
        }
        assertThatThrownBy(() -> read(garbled)).isInstanceOf(DicomParseException.class);
    }
}
