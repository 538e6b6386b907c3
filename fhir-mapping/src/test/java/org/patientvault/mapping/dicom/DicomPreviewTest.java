package org.patientvault.mapping.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.dicom.testing.Dcmtk;
import org.patientvault.mapping.dicom.testing.DicomFixtures;

class DicomPreviewTest {
    static DicomFixtures fx;
    final DicomReader reader = new DicomReader();
    final DicomPreview preview = new DicomPreview();

    @BeforeAll
    static void fixtures() throws IOException {
        fx = DicomFixtures.get();
    }

    private static BufferedImage png(DicomPreviewResult r) throws IOException {
        assertThat(r.available()).as("preview: %s", r.noPreviewReason()).isTrue();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.png()));
        assertThat(img.getWidth()).isEqualTo(r.width());
        assertThat(img.getHeight()).isEqualTo(r.height());
        return img;
    }

    private static int grey(BufferedImage img, int x, int y) {
        return img.getRaster().getSample(x, y, 0);
    }

    @Test
    void ctSeriesRendersTheMiddleInstanceWithHeaderWindow() throws IOException {
        List<DicomFile> series = new ArrayList<>();
        for (Path p : fx.ctSeries1) {
            series.add(reader.read(p));
        }
        Collections.reverse(series);
        DicomPreviewResult r = preview.renderSeries(series);
        BufferedImage img = png(r);
        assertThat(r.sopInstanceUid()).isEqualTo(DicomFixtures.CT_STUDY + ".1.2");
        assertThat(img.getWidth()).isEqualTo(DicomFixtures.CT_COLS);
        assertThat(img.getHeight()).isEqualTo(DicomFixtures.CT_ROWS);
        for (int y = 0; y < img.getHeight(); y += 7) {
            for (int x = 1; x < img.getWidth(); x++) {
                assertThat(grey(img, x, y)).as("monotonic at %d,%d", x, y).isGreaterThanOrEqualTo(grey(img, x - 1, y));
            }
        }
        assertThat(grey(img, 0, 0)).isZero();
        assertThat(grey(img, DicomFixtures.CT_COLS - 1, 0)).isEqualTo(255);
        // a mid-window pixel follows the PS3.3 linear VOI of HU = stored - 1024 (signed 12-bit stored)
        double hu = DicomFixtures.ctStored(40, 0, 2) - 1024;
        assertThat(grey(img, 40, 0)).isCloseTo((int) Math.round(PixelRenderer.voiLinear(hu, 40, 400)),
                org.assertj.core.data.Offset.offset(1));
        assertThat(grey(img, 40, 0)).isBetween(1, 254);
    }

    @Test
    void bigEndianRendersLikeLittleEndian() throws IOException {
        BufferedImage be = png(preview.render(reader.read(fx.ctBigEndian)));
        BufferedImage im = png(preview.render(reader.read(fx.ctImplicit)));
        for (int x = 0; x < DicomFixtures.CT_COLS; x++) {
            assertThat(Math.abs(grey(be, x, 5) - grey(im, x, 5))).as("x=%d", x).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void mrMultiFrameUsesTheMiddleFrameAndMinMaxWindow() throws IOException {
        DicomPreviewResult r = preview.render(reader.read(fx.mrMultiframe));
        BufferedImage img = png(r);
        assertThat(r.frame()).isEqualTo(1);
        assertThat(img.getWidth()).isEqualTo(DicomFixtures.MR_COLS);
        assertThat(img.getHeight()).isEqualTo(DicomFixtures.MR_ROWS);
        assertThat(grey(img, 0, 0)).isZero();
        assertThat(grey(img, DicomFixtures.MR_COLS - 1, DicomFixtures.MR_ROWS - 1)).isEqualTo(255);
        for (int y = 1; y < DicomFixtures.MR_ROWS; y++) {
            assertThat(grey(img, 3, y)).isGreaterThan(grey(img, 3, y - 1));
        }
    }

    @Test
    void monochrome1IsInverted() throws IOException {
        DicomFile f = reader.read(fx.mrMultiframe);
        f.dataset().putString(DicomTags.PhotometricInterpretation, DicomVr.CS, "MONOCHROME1");
        BufferedImage img = png(preview.render(f));
        assertThat(grey(img, 0, 0)).isEqualTo(255);
        assertThat(grey(img, DicomFixtures.MR_COLS - 1, DicomFixtures.MR_ROWS - 1)).isZero();
    }

    @Test
    void usRgbMiddleFrame() throws IOException {
        DicomPreviewResult r = preview.render(reader.read(fx.usRgb));
        BufferedImage img = png(r);
        assertThat(r.frame()).isZero(); // 2 frames: (2-1)/2 = 0
        DicomPreviewResult second = preview.render(reader.read(fx.usRgb), 1);
        BufferedImage img2 = png(second);
        assertThat((img.getRGB(10, 10) >> 8) & 0xFF).isZero();
        assertThat((img2.getRGB(10, 10) >> 8) & 0xFF).isEqualTo(100);
        assertThat((img2.getRGB(20, 3) >> 16) & 0xFF).isEqualTo(100);
        assertThat(img2.getRGB(20, 3) & 0xFF).isEqualTo(24);
    }

    @Test
    void jpegBaselineFromDcmcjpegAndImg2dcm() throws IOException {
        DicomPreviewResult r = preview.render(reader.read(fx.ctJpeg));
        BufferedImage img = png(r);
        assertThat(img.getWidth()).isEqualTo(DicomFixtures.CT_COLS);
        assertThat(img.getHeight()).isEqualTo(DicomFixtures.CT_ROWS);
        double prev = -1;
        for (int x = 0; x < img.getWidth(); x++) {
            double col = 0;
            for (int y = 0; y < img.getHeight(); y++) {
                col += grey(img, x, y);
            }
            col /= img.getHeight();
            assertThat(col).as("column %d (lossy, so within 3 grey levels)", x).isGreaterThan(prev - 3);
            assertThat(col).isCloseTo(x * 4, org.assertj.core.data.Offset.offset(6.0));
            prev = col;
        }
        BufferedImage rgb = png(preview.render(reader.read(fx.usJpegImg2dcm)));
        assertThat(rgb.getWidth()).isEqualTo(DicomFixtures.US_COLS);
        assertThat((rgb.getRGB(45, 15) >> 16) & 0xFF).isGreaterThan((rgb.getRGB(5, 15) >> 16) & 0xFF);
    }

    @Test
    void multiFrameJpegPicksTheRightFrameWithOrWithoutOffsetTable() throws IOException {
        for (Path p : List.of(fx.usJpegMultiframe, fx.usJpegMultiframeNoOffsets)) {
            DicomFile f = reader.read(p);
            assertThat(f.transferSyntaxUid()).isEqualTo(DicomTransferSyntax.JPEG_BASELINE);
            BufferedImage first = png(preview.render(f, 0));
            BufferedImage second = png(preview.render(f, 1));
            assertThat(second.getWidth()).isEqualTo(DicomFixtures.US_COLS);
            int g0 = (first.getRGB(25, 15) >> 8) & 0xFF;
            int g1 = (second.getRGB(25, 15) >> 8) & 0xFF;
            assertThat(g0).as("%s frame 0 green", p.getFileName()).isLessThan(20);
            assertThat(g1).as("%s frame 1 green", p.getFileName()).isBetween(85, 115);
            assertThat(preview.render(f, 2).noPreviewReason()).contains("out of range");
        }
    }

    @Test
    void otherSyntaxesAndUnloadedPixelsGiveNoPreview() throws IOException {
        Path jls = fx.dir.resolve("ct-jls.dcm");
        Dcmtk.run(fx.dir, "dcmcjpls", fx.ct8bit.toString(), jls.toString());
        DicomPreviewResult r = preview.render(reader.read(jls));
        assertThat(r.available()).isFalse();
        assertThat(r.noPreviewReason()).contains("1.2.840.10008.1.2.4.80");
        DicomPreviewResult skipped = preview.render(new DicomReader(DicomReadOptions.metadataOnly()).read(fx.ctImplicit));
        assertThat(skipped.noPreviewReason()).contains("not loaded");
        DicomFile palette = reader.read(fx.ct8bit);
        palette.dataset().putString(DicomTags.PhotometricInterpretation, DicomVr.CS, "PALETTE COLOR");
        assertThat(preview.render(palette).noPreviewReason()).contains("PALETTE COLOR");
        DicomFile shortPixels = reader.read(fx.ct8bit);
        shortPixels.dataset().put(DicomElement.of(DicomTags.PixelData, DicomVr.OB, new byte[10]));
        assertThat(preview.render(shortPixels).noPreviewReason()).contains("Pixel Data has 10 bytes");
        DicomFile badJpeg = reader.read(fx.ctJpeg);
        badJpeg.dataset().put(DicomElement.ofFragments(DicomTags.PixelData, DicomVr.OB,
                List.of(new byte[0], new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, 4})));
        assertThat(preview.render(badJpeg).available()).isFalse();
    }
}
