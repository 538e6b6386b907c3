package org.patientvault.vault.imaging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dcmtk-made studies for the imaging tests, generated at test time into {@code target/imaging-fixtures/<root>} with
 * study UIDs under a fresh root, so tests sharing one database never collide. A small copy of what fhir-mapping's
 * test fixtures do (test classes are not shared across modules). Without dcmtk the tests fail with the install hint.
 */
final class ImagingFixtures {

    static final int CT_ROWS = 48;
    static final int CT_COLS = 64;
    static final int MR_ROWS = 32;
    static final int MR_COLS = 40;
    static final int US_ROWS = 30;
    static final int US_COLS = 50;

    final Path dir;
    final String root;
    private int n;

    ImagingFixtures(String root) throws IOException {
        this.root = root;
        this.dir = Path.of("target", "imaging-fixtures", root).toAbsolutePath();
        Files.createDirectories(dir);
    }

    /** A patient as the DICOM header names them. */
    record Who(String mrn, String issuer, String name, String birthDate, String sex, String residentId) {
        static Who mrn(String mrn, String name) {
            return new Who(mrn, null, name, "19800101", "M", null);
        }
    }

    /** A CT instance: 16-bit signed, window 40/400, explicit VR LE, body part per series. */
    Path ct(String study, int series, int instance, Who who) throws IOException {
        return ct(study, series, instance, who, "");
    }

    /** A CT instance as above with the CT acquisition attributes the quality check asks for. */
    Path ctWithAcquisition(String study, int series, int instance, Who who) throws IOException {
        return ct(study, series, instance, who, """
                (0008,0070) LO [Vendor]
                (0008,1090) LO [Scanner 64]
                (0018,0050) DS [1.25]
                (0018,0060) DS [120]
                (0018,1210) SH [STANDARD]
                (0028,0030) DS [0.7\\0.7]
                """);
    }

    private Path ct(String study, int series, int instance, Who who, String acquisition) throws IOException {
        String name = "ct-" + study + "-" + series + "-" + instance + (acquisition.isEmpty() ? "" : "-acq");
        ByteBuffer px = ByteBuffer.allocate(CT_ROWS * CT_COLS * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int y = 0; y < CT_ROWS; y++) {
            for (int x = 0; x < CT_COLS; x++) {
                px.putShort((short) (x * 40 - 500 + instance));
            }
        }
        Files.write(dir.resolve(name + ".raw"), px.array());
        String dump = """
                (0008,0005) CS [GB18030]
                (0008,0016) UI =CTImageStorage
                (0008,0018) UI [%1$s.%2$d.%3$d]
                (0008,0020) DA [20260115]
                (0008,0030) TM [093015]
                (0008,0050) SH [ACC%2$d]
                (0008,0060) CS [CT]
                (0008,0090) PN [王^医生]
                (0008,1030) LO [胸部CT平扫]
                (0008,103e) LO [Series %2$d]
                %5$s
                %9$s
                (0018,0015) CS [%4$s]
                (0020,000d) UI [%1$s]
                (0020,000e) UI [%1$s.%2$d]
                (0020,0011) IS [%2$d]
                (0020,0013) IS [%3$d]
                (0028,0002) US 1
                (0028,0004) CS [MONOCHROME2]
                (0028,0010) US %6$d
                (0028,0011) US %7$d
                (0028,0100) US 16
                (0028,0101) US 12
                (0028,0102) US 11
                (0028,0103) US 1
                (0028,1050) DS [40]
                (0028,1051) DS [400]
                (0028,1052) DS [-1024]
                (0028,1053) DS [1]
                (7fe0,0010) OW =%8$s.raw
                """.formatted(study, series, instance, series == 1 ? "CHEST" : "ABDOMEN", patient(who), CT_ROWS,
                CT_COLS, name, acquisition);
        return dump2dcm(name, dump, Charset.forName("GB18030"), "+te");
    }

    /** An MR multi-frame instance (3 frames), implicit VR LE, UTF-8. */
    Path mr(String study, Who who) throws IOException {
        String name = "mr-" + study;
        ByteBuffer px = ByteBuffer.allocate(MR_ROWS * MR_COLS * 2 * 3).order(ByteOrder.LITTLE_ENDIAN);
        for (int f = 0; f < 3; f++) {
            for (int y = 0; y < MR_ROWS; y++) {
                for (int x = 0; x < MR_COLS; x++) {
                    px.putShort((short) ((y * 100 + x) * (f + 1)));
                }
            }
        }
        Files.write(dir.resolve(name + ".raw"), px.array());
        String dump = """
                (0008,0005) CS [ISO_IR 192]
                (0008,0016) UI =MRImageStorage
                (0008,0018) UI [%1$s.1.1]
                (0008,0020) DA [20260201]
                (0008,0030) TM [1405]
                (0008,0060) CS [MR]
                (0008,1030) LO [MRI Brain]
                (0008,103e) LO [T2 TSE]
                %2$s
                (0018,0015) CS [HEAD]
                (0020,000d) UI [%1$s]
                (0020,000e) UI [%1$s.1]
                (0020,0011) IS [1]
                (0020,0013) IS [1]
                (0028,0002) US 1
                (0028,0004) CS [MONOCHROME2]
                (0028,0008) IS [3]
                (0028,0010) US %3$d
                (0028,0011) US %4$d
                (0028,0100) US 16
                (0028,0101) US 16
                (0028,0102) US 15
                (0028,0103) US 0
                (7fe0,0010) OW =%5$s.raw
                """.formatted(study, patient(who), MR_ROWS, MR_COLS, name);
        return dump2dcm(name, dump, StandardCharsets.UTF_8, "+ti");
    }

    /** A US multi-frame RGB instance (2 frames), explicit VR LE. */
    Path us(String study, int series, int instance, Who who) throws IOException {
        String name = "us-" + study + "-" + series + "-" + instance;
        byte[] px = new byte[US_ROWS * US_COLS * 3 * 2];
        int i = 0;
        for (int f = 0; f < 2; f++) {
            for (int y = 0; y < US_ROWS; y++) {
                for (int x = 0; x < US_COLS; x++) {
                    px[i++] = (byte) (x * 5);
                    px[i++] = (byte) (f * 100);
                    px[i++] = (byte) (y * 8);
                }
            }
        }
        Files.write(dir.resolve(name + ".raw"), px);
        String dump = """
                (0008,0005) CS [ISO_IR 100]
                (0008,0016) UI =UltrasoundMultiframeImageStorage
                (0008,0018) UI [%1$s.%2$d.%3$d]
                (0008,0020) DA [20260310]
                (0008,0060) CS [US]
                (0008,1030) LO [Abdomen US]
                %4$s
                (0018,0015) CS [ABDOMEN]
                (0020,000d) UI [%1$s]
                (0020,000e) UI [%1$s.%2$d]
                (0020,0011) IS [%2$d]
                (0020,0013) IS [%3$d]
                (0028,0002) US 3
                (0028,0004) CS [RGB]
                (0028,0006) US 0
                (0028,0008) IS [2]
                (0028,0010) US %5$d
                (0028,0011) US %6$d
                (0028,0100) US 8
                (0028,0101) US 8
                (0028,0102) US 7
                (0028,0103) US 0
                (7fe0,0010) OB =%7$s.raw
                """.formatted(study, series, instance, patient(who), US_ROWS, US_COLS, name);
        return dump2dcm(name, dump, StandardCharsets.ISO_8859_1, "+te");
    }

    /** An 8-bit MONOCHROME2 instance (the input of the JPEG baseline coder). */
    Path ct8(String study, Who who) throws IOException {
        String name = "ct8-" + study;
        byte[] px = new byte[CT_ROWS * CT_COLS];
        for (int y = 0; y < CT_ROWS; y++) {
            for (int x = 0; x < CT_COLS; x++) {
                px[y * CT_COLS + x] = (byte) (x * 4);
            }
        }
        Files.write(dir.resolve(name + ".raw"), px);
        String dump = """
                (0008,0016) UI =SecondaryCaptureImageStorage
                (0008,0018) UI [%1$s.1.1]
                (0008,0060) CS [OT]
                %2$s
                (0020,000d) UI [%1$s]
                (0020,000e) UI [%1$s.1]
                (0020,0013) IS [1]
                (0028,0002) US 1
                (0028,0004) CS [MONOCHROME2]
                (0028,0010) US %3$d
                (0028,0011) US %4$d
                (0028,0100) US 8
                (0028,0101) US 8
                (0028,0102) US 7
                (0028,0103) US 0
                (7fe0,0010) OB =%5$s.raw
                """.formatted(study, patient(who), CT_ROWS, CT_COLS, name);
        return dump2dcm(name, dump, StandardCharsets.ISO_8859_1, "+te");
    }

    /** {@code tool} (dcmcjpeg, dcmcjpls, dcmcrle) applied to {@code in}, with its options. */
    Path compress(Path in, String tool, String... options) throws IOException {
        Path out = dir.resolve(in.getFileName().toString().replace(".dcm", "") + "-" + tool + ".dcm");
        List<String> args = new ArrayList<>(List.of(options));
        args.add(in.toString());
        args.add(out.toString());
        run(tool, args.toArray(String[]::new));
        return out;
    }

    /** dcm2json of a file, as text. */
    String dcm2json(Path file) throws IOException {
        return run("dcm2json", file.toString());
    }

    private static String patient(Who who) {
        StringBuilder b = new StringBuilder();
        if (who.name() != null) {
            b.append("(0010,0010) PN [").append(who.name()).append("]\n");
        }
        if (who.mrn() != null) {
            b.append("(0010,0020) LO [").append(who.mrn()).append("]\n");
        }
        if (who.issuer() != null) {
            b.append("(0010,0021) LO [").append(who.issuer()).append("]\n");
        }
        if (who.birthDate() != null) {
            b.append("(0010,0030) DA [").append(who.birthDate()).append("]\n");
        }
        if (who.sex() != null) {
            b.append("(0010,0040) CS [").append(who.sex()).append("]\n");
        }
        if (who.residentId() != null) {
            b.append("""
                    (0010,1002) SQ (Sequence with undefined length #=1)
                      (fffe,e000) na (Item with undefined length #=2)
                        (0010,0020) LO [%s]
                        (0010,0021) LO [CN-RESIDENT-ID]
                      (fffe,e00d) na (ItemDelimitationItem)
                    (fffe,e0dd) na (SequenceDelimitationItem)
                    """.formatted(who.residentId()));
        }
        return b.toString().strip();
    }

    private Path dump2dcm(String name, String dump, Charset charset, String... opts) throws IOException {
        Path d = dir.resolve(name + "-" + (n++) + ".dump");
        Files.write(d, dump.getBytes(charset));
        Path out = dir.resolve(name + ".dcm");
        List<String> args = new ArrayList<>(List.of(opts));
        args.add(d.toString());
        args.add(out.toString());
        run("dump2dcm", args.toArray(String[]::new));
        return out;
    }

    String run(String tool, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("dcmtk", ".out");
        Path err = Files.createTempFile("dcmtk", ".err");
        try {
            Process p;
            try {
                p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                        .redirectError(err.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError("dcmtk tool '" + tool + "' cannot be run (" + e.getMessage() + "). Install "
                        + "it with `apt-get install -y dcmtk` (CI installs it).");
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(tool + " timed out");
            }
            String stdout = new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new AssertionError(tool + " " + String.join(" ", args) + " failed: "
                        + Files.readString(err, StandardCharsets.UTF_8) + stdout);
            }
            return stdout;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
