package org.patientvault.mapping.dicom.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * dcmtk-made test files, generated once per JVM into {@code target/dicom-fixtures} (nothing big is committed).
 * Dumps are written here rather than kept as resources so UIDs, sizes and charsets stay parameterised. The pixel
 * builders and the dump lines that describe them are static so other modules' fixtures (through fhir-mapping's
 * test-jar) make the same predictable images.
 */
public final class DicomFixtures {
    public static final String CT_STUDY = "2.25.4711001";
    public static final String MR_STUDY = "2.25.4711002";
    public static final String US_STUDY = "2.25.4711003";
    public static final int CT_ROWS = 48;
    public static final int CT_COLS = 64;
    public static final int MR_ROWS = 32;
    public static final int MR_COLS = 40;
    public static final int MR_FRAMES = 3;
    public static final int US_ROWS = 30;
    public static final int US_COLS = 50;

    private static DicomFixtures instance;

    public final Path dir;
    /** CT series 1 (3 instances, GB18030 names, explicit VR LE, defined lengths). */
    public final List<Path> ctSeries1 = new ArrayList<>();
    /** CT series 2 (2 instances, ABDOMEN) of the same study. */
    public final List<Path> ctSeries2 = new ArrayList<>();
    public Path ctBigEndian;
    public Path ctImplicit;
    /** MR multi-frame, implicit VR LE, ISO_IR 192. */
    public Path mrMultiframe;
    public Path mrDeflated;
    /** US multi-frame RGB, explicit VR LE, undefined-length sequences. */
    public Path usRgb;
    /** 8-bit MONOCHROME2 compressed with dcmcjpeg +eb (JPEG baseline). */
    public Path ctJpeg;
    public Path ct8bit;
    /** RGB JPEG wrapped by img2dcm. */
    public Path usJpegImg2dcm;
    /** The US multi-frame compressed with dcmcjpeg +eb, with and without a Basic Offset Table. */
    public Path usJpegMultiframe;
    public Path usJpegMultiframeNoOffsets;
    /** GBK names whose second byte is 0x5C (backslash) inside a multi-valued LO. */
    public Path gbk;

    public static synchronized DicomFixtures get() throws IOException {
        if (instance == null) {
            instance = new DicomFixtures(Path.of("target", "dicom-fixtures").toAbsolutePath());
        }
        return instance;
    }

    private DicomFixtures(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        for (int i = 1; i <= 3; i++) {
            ctSeries1.add(ct(1, i, "CHEST", "Axial 5mm", "+te", "ct1-" + i));
        }
        for (int i = 1; i <= 2; i++) {
            ctSeries2.add(ct(2, i, "ABDOMEN", "Coronal MPR", "+te", "ct2-" + i));
        }
        ctBigEndian = ct(1, 9, "CHEST", "Axial 5mm", "+tb", "ct-be");
        ctImplicit = ct(1, 8, "CHEST", "Axial 5mm", "+ti", "ct-implicit");
        mrMultiframe = mr("+ti", "mr");
        mrDeflated = mr("+td", "mr-deflated");
        usRgb = us();
        ct8bit = ct8();
        ctJpeg = dir.resolve("ct-jpeg.dcm");
        Dcmtk.run(dir, "dcmcjpeg", "+eb", ct8bit.toString(), ctJpeg.toString());
        usJpegImg2dcm = img2dcm();
        usJpegMultiframe = dir.resolve("us-jpeg-mf.dcm");
        Dcmtk.run(dir, "dcmcjpeg", "+eb", usRgb.toString(), usJpegMultiframe.toString());
        usJpegMultiframeNoOffsets = dir.resolve("us-jpeg-mf-nobot.dcm");
        Dcmtk.run(dir, "dcmcjpeg", "+eb", "-ot", usRgb.toString(), usJpegMultiframeNoOffsets.toString());
        gbk = dump2dcm("gbk", """
                (0008,0005) CS [GBK]
                (0008,0016) UI =SecondaryCaptureImageStorage
                (0008,0018) UI [2.25.4711006.1.1]
                (0008,0060) CS [OT]
                (0010,0010) PN [乗^太郎]
                (0010,1000) LO [乗A\\乗B]
                (0020,000d) UI [2.25.4711006]
                (0020,000e) UI [2.25.4711006.1]
                """, Charset.forName("GBK"), "+te");
    }

    /** Stored CT value at (x, y): signed, increasing along x. */
    public static int ctStored(int x, int y, int instance) {
        return x * 40 - 500 + instance;
    }

    /** MR value at (x, y) of frame f: unsigned, increasing along y. */
    public static int mrValue(int x, int y, int f) {
        return (y * 100 + x) * (f + 1);
    }

    /**
     * dcmdump lines of the Image Pixel module (and the CT window and rescale) that describe {@link #ctPixels}; with
     * the other {@code ...PixelModule} methods, what a dump embeds before its Pixel Data line.
     */
    public static String ctPixelModule() {
        return """
                (0028,0002) US 1
                (0028,0004) CS [MONOCHROME2]
                (0028,0010) US %d
                (0028,0011) US %d
                (0028,0100) US 16
                (0028,0101) US 12
                (0028,0102) US 11
                (0028,0103) US 1
                (0028,1050) DS [40]
                (0028,1051) DS [400]
                (0028,1052) DS [-1024]
                (0028,1053) DS [1]""".formatted(CT_ROWS, CT_COLS);
    }

    /** dcmdump lines of the Image Pixel module that describe {@link #mrPixels} of {@code frames} frames. */
    public static String mrPixelModule(int frames) {
        return """
                (0028,0002) US 1
                (0028,0004) CS [MONOCHROME2]
                (0028,0008) IS [%d]
                (0028,0010) US %d
                (0028,0011) US %d
                (0028,0100) US 16
                (0028,0101) US 16
                (0028,0102) US 15
                (0028,0103) US 0""".formatted(frames, MR_ROWS, MR_COLS);
    }

    /** dcmdump lines of the Image Pixel module that describe {@link #usRgbPixels} of {@code frames} frames. */
    public static String usRgbPixelModule(int frames) {
        return """
                (0028,0002) US 3
                (0028,0004) CS [RGB]
                (0028,0006) US 0
                (0028,0008) IS [%d]
                (0028,0010) US %d
                (0028,0011) US %d
                (0028,0100) US 8
                (0028,0101) US 8
                (0028,0102) US 7
                (0028,0103) US 0""".formatted(frames, US_ROWS, US_COLS);
    }

    /** dcmdump lines of the Image Pixel module that describe {@link #mono8Pixels}. */
    public static String mono8PixelModule() {
        return """
                (0028,0002) US 1
                (0028,0004) CS [MONOCHROME2]
                (0028,0010) US %d
                (0028,0011) US %d
                (0028,0100) US 8
                (0028,0101) US 8
                (0028,0102) US 7
                (0028,0103) US 0""".formatted(CT_ROWS, CT_COLS);
    }

    /** Pixel Data of a CT instance: CT_ROWS x CT_COLS, 16-bit signed little endian, {@link #ctStored} values. */
    public static byte[] ctPixels(int instance) {
        ByteBuffer px = ByteBuffer.allocate(CT_ROWS * CT_COLS * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < CT_ROWS; y++) {
            for (int x = 0; x < CT_COLS; x++) {
                px.putShort((short) ctStored(x, y, instance));
            }
        }
        return px.array();
    }

    /** Pixel Data of an MR multi-frame: MR_ROWS x MR_COLS per frame, 16-bit unsigned LE, {@link #mrValue} values. */
    public static byte[] mrPixels(int frames) {
        ByteBuffer px = ByteBuffer.allocate(MR_ROWS * MR_COLS * 2 * frames).order(ByteOrder.LITTLE_ENDIAN);
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < MR_ROWS; y++) {
                for (int x = 0; x < MR_COLS; x++) {
                    px.putShort((short) mrValue(x, y, f));
                }
            }
        }
        return px.array();
    }

    /** Pixel Data of a US multi-frame: US_ROWS x US_COLS RGB per frame; red along x, green by frame, blue along y. */
    public static byte[] usRgbPixels(int frames) {
        byte[] px = new byte[US_ROWS * US_COLS * 3 * frames];
        int i = 0;
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < US_ROWS; y++) {
                for (int x = 0; x < US_COLS; x++) {
                    px[i++] = (byte) (x * 5);
                    px[i++] = (byte) (f * 100);
                    px[i++] = (byte) (y * 8);
                }
            }
        }
        return px;
    }

    /** Pixel Data of an 8-bit MONOCHROME2 image (the JPEG baseline coder input): CT_ROWS x CT_COLS, rising along x. */
    public static byte[] mono8Pixels() {
        byte[] px = new byte[CT_ROWS * CT_COLS];
        for (int y = 0; y < CT_ROWS; y++) {
            for (int x = 0; x < CT_COLS; x++) {
                px[y * CT_COLS + x] = (byte) (x * 4);
            }
        }
        return px;
    }

    private Path ct(int series, int n, String bodyPart, String seriesDesc, String ts, String name) throws IOException {
        Files.write(dir.resolve(name + ".raw"), ctPixels(n));
        String dump = """
                (0008,0005) CS [GB18030]
                (0008,0008) CS [ORIGINAL\\PRIMARY\\AXIAL]
                (0008,0016) UI =CTImageStorage
                (0008,0018) UI [%1$s.%2$d.%3$d]
                (0008,0020) DA [20260115]
                (0008,0030) TM [093015.123]
                (0008,0050) SH [ACC123]
                (0008,0060) CS [CT]
                (0008,0070) LO [ACME Medical]
                (0008,0090) PN [王^医生]
                (0008,1030) LO [胸部CT平扫]
                (0008,103e) LO [%5$s]
                (0008,1090) LO [Scanner 9000]
                (0010,0010) PN [张^三]
                (0010,0020) LO [MRN0001]
                (0010,0021) LO [HOSP-A]
                (0010,0030) DA [19800101]
                (0010,0040) CS [M]
                (0018,0015) CS [%4$s]
                (0018,0050) DS [5.0]
                (0018,0060) DS [120]
                (0018,1210) SH [B30f]
                (0020,000d) UI [%1$s]
                (0020,000e) UI [%1$s.%2$d]
                (0020,0011) IS [%2$d]
                (0020,0013) IS [%3$d]
                (0020,0032) DS [-100\\-120.5\\%3$d.25]
                (0028,0030) DS [0.7\\0.7]
                %6$s
                (0032,1064) SQ (Sequence with explicit length #=1)
                  (fffe,e000) na (Item with explicit length #=3)
                    (0008,0100) SH [24627-2]
                    (0008,0102) SH [LN]
                    (0008,0104) LO [CT Chest]
                  (fffe,e00d) na (ItemDelimitationItem for re-encoding)
                (fffe,e0dd) na (SequenceDelimitationItem for re-encod.)
                (7fe0,0010) OW =%7$s.raw
                """.formatted(CT_STUDY, series, n, bodyPart, seriesDesc, ctPixelModule(), name);
        return dump2dcm(name, dump, Charset.forName("GB18030"), ts);
    }

    private Path mr(String ts, String name) throws IOException {
        Files.write(dir.resolve(name + ".raw"), mrPixels(MR_FRAMES));
        String dump = """
                (0008,0005) CS [ISO_IR 192]
                (0008,0016) UI =MRImageStorage
                (0008,0018) UI [%1$s.1.1]
                (0008,0020) DA [20260201]
                (0008,0030) TM [1405]
                (0008,0060) CS [MR]
                (0008,0070) LO [Magnetix]
                (0008,0090) PN [Smith^Anna^^Dr.]
                (0008,1030) LO [MRI Brain]
                (0008,103e) LO [T2 TSE]
                (0010,0010) PN [李^四=李^四=li^si]
                (0010,0020) LO [MRN0002]
                (0010,0040) CS [F]
                (0018,0015) CS [HEAD]
                (0018,0020) CS [SE]
                (0018,0024) SH [*tse2d1]
                (0018,0050) DS [3]
                (0018,0080) DS [4000]
                (0018,0081) DS [98.5]
                (0018,0087) DS [1.5]
                (0020,000d) UI [%1$s]
                (0020,000e) UI [%1$s.1]
                (0020,0011) IS [1]
                (0020,0013) IS [1]
                %2$s
                (7fe0,0010) OW =%3$s.raw
                """.formatted(MR_STUDY, mrPixelModule(MR_FRAMES), name);
        return dump2dcm(name, dump, StandardCharsets.UTF_8, ts);
    }

    private Path us() throws IOException {
        Files.write(dir.resolve("us.raw"), usRgbPixels(2));
        String dump = """
                (0008,0005) CS [ISO_IR 100]
                (0008,0016) UI =UltrasoundMultiframeImageStorage
                (0008,0018) UI [%1$s.1.1]
                (0008,0020) DA [20260310]
                (0008,0030) TM [080000]
                (0008,0060) CS [US]
                (0008,0070) LO [Sonix]
                (0008,1030) LO [Abdomen US]
                (0010,0010) PN [Müller^Jörg]
                (0010,0020) LO [MRN0003]
                (0018,0015) CS [ABDOMEN]
                (0018,5010) LO [C5-2\\curved]
                (0018,6011) SQ (Sequence with undefined length #=2)
                  (fffe,e000) na (Item with undefined length #=4)
                    (0018,6012) US 1
                    (0018,602c) FD 0.015
                    (0018,602e) FD 0.02
                    (0018,6030) UL 3500
                  (fffe,e00d) na (ItemDelimitationItem)
                  (fffe,e000) na (Item with undefined length #=1)
                    (0018,6030) UL 5000
                  (fffe,e00d) na (ItemDelimitationItem)
                (fffe,e0dd) na (SequenceDelimitationItem)
                (0020,000d) UI [%1$s]
                (0020,000e) UI [%1$s.1]
                (0020,0011) IS [1]
                (0020,0013) IS [1]
                %2$s
                (7fe0,0010) OB =us.raw
                """.formatted(US_STUDY, usRgbPixelModule(2));
        return dump2dcm("us", dump, StandardCharsets.ISO_8859_1, "+te", "-e");
    }

    private Path ct8() throws IOException {
        Files.write(dir.resolve("ct8.raw"), mono8Pixels());
        String dump = """
                (0008,0016) UI =SecondaryCaptureImageStorage
                (0008,0018) UI [2.25.4711004.1.1]
                (0008,0060) CS [CT]
                (0020,000d) UI [2.25.4711004]
                (0020,000e) UI [2.25.4711004.1]
                %s
                (7fe0,0010) OB =ct8.raw
                """.formatted(mono8PixelModule());
        return dump2dcm("ct8", dump, StandardCharsets.ISO_8859_1, "+te");
    }

    private Path img2dcm() throws IOException {
        BufferedImage img = new BufferedImage(US_COLS, US_ROWS, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < US_ROWS; y++) {
            for (int x = 0; x < US_COLS; x++) {
                img.setRGB(x, y, (x * 5) << 16 | 0x40 << 8 | (y * 8));
            }
        }
        Path jpg = dir.resolve("us.jpg");
        ImageIO.write(img, "jpeg", jpg.toFile());
        Path out = dir.resolve("us-jpeg.dcm");
        Dcmtk.run(dir, "img2dcm", "-k", "Modality=US", "-k", "StudyInstanceUID=2.25.4711005", jpg.toString(),
                out.toString());
        return out;
    }

    private Path dump2dcm(String name, String dump, Charset charset, String... opts) throws IOException {
        return Dcmtk.dump2dcm(dir.resolve(name + ".dump"), dump, charset, dir.resolve(name + ".dcm"), opts);
    }
}
