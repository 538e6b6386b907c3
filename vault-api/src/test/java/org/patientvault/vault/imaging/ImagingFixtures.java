package org.patientvault.vault.imaging;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.patientvault.mapping.dicom.testing.Dcmtk;
import org.patientvault.mapping.dicom.testing.DicomFixtures;

/**
 * dcmtk-made studies for the imaging tests, generated at test time into {@code target/imaging-fixtures/<root>} with
 * study UIDs under a fresh root, so tests sharing one database never collide. The pixel data and the dcmtk runs come
 * from fhir-mapping's shared fixtures (its test-jar); what stays here is what the imaging app needs: per-test study
 * UIDs, the patient as the header names them, and the acquisition attributes the quality check reads. Without dcmtk
 * the tests fail with the install hint.
 */
public final class ImagingFixtures {

    static final int CT_ROWS = DicomFixtures.CT_ROWS;
    static final int CT_COLS = DicomFixtures.CT_COLS;
    static final int MR_ROWS = DicomFixtures.MR_ROWS;
    static final int MR_COLS = DicomFixtures.MR_COLS;
    static final int US_ROWS = DicomFixtures.US_ROWS;
    static final int US_COLS = DicomFixtures.US_COLS;

    final Path dir;
    final String root;
    private int n;

    public ImagingFixtures(String root) throws IOException {
        this.root = root;
        this.dir = Path.of("target", "imaging-fixtures", root).toAbsolutePath();
        Files.createDirectories(dir);
    }

    /** A patient as the DICOM header names them. */
    public record Who(String mrn, String issuer, String name, String birthDate, String sex, String residentId) {
        static Who mrn(String mrn, String name) {
            return new Who(mrn, null, name, "19800101", "M", null);
        }
    }

    /** A CT instance: 16-bit signed, window 40/400, explicit VR LE, body part per series. */
    Path ct(String study, int series, int instance, Who who) throws IOException {
        return ct(study, series, instance, who, "");
    }

    /** A CT instance as above with the CT acquisition attributes the quality check asks for. */
    public Path ctWithAcquisition(String study, int series, int instance, Who who) throws IOException {
        return ct(study, series, instance, who, """
                (0008,0070) LO [Vendor]
                (0008,1090) LO [Scanner 64]
                (0018,0050) DS [1.25]
                (0018,0060) DS [120]
                (0018,1210) SH [STANDARD]
                (0028,0030) DS [0.7\\0.7]
                """);
    }

    /** A CT instance as {@link #ct(String, int, int, Who)} with its own Study Date and Accession Number. */
    Path ctOn(String study, int series, int instance, Who who, String date, String accession) throws IOException {
        return ct(study, series, instance, who, "", date, accession);
    }

    private Path ct(String study, int series, int instance, Who who, String acquisition) throws IOException {
        return ct(study, series, instance, who, acquisition, "20260115", "ACC" + series);
    }

    private Path ct(String study, int series, int instance, Who who, String acquisition, String date,
                    String accession) throws IOException {
        String name = "ct-" + study + "-" + series + "-" + instance + (acquisition.isEmpty() ? "" : "-acq");
        Files.write(dir.resolve(name + ".raw"), DicomFixtures.ctPixels(instance));
        String dump = """
                (0008,0005) CS [GB18030]
                (0008,0016) UI =CTImageStorage
                (0008,0018) UI [%1$s.%2$d.%3$d]
                (0008,0020) DA [%9$s]
                (0008,0030) TM [093015]
                (0008,0050) SH [%10$s]
                (0008,0060) CS [CT]
                (0008,0090) PN [王^医生]
                (0008,1030) LO [胸部CT平扫]
                (0008,103e) LO [Series %2$d]
                %5$s
                %8$s
                (0018,0015) CS [%4$s]
                (0020,000d) UI [%1$s]
                (0020,000e) UI [%1$s.%2$d]
                (0020,0011) IS [%2$d]
                (0020,0013) IS [%3$d]
                %6$s
                (7fe0,0010) OW =%7$s.raw
                """.formatted(study, series, instance, series == 1 ? "CHEST" : "ABDOMEN", patient(who),
                DicomFixtures.ctPixelModule(), name, acquisition, date, accession);
        return dump2dcm(name, dump, Charset.forName("GB18030"), "+te");
    }

    /** An MR multi-frame instance (3 frames), implicit VR LE, UTF-8. */
    Path mr(String study, Who who) throws IOException {
        String name = "mr-" + study;
        Files.write(dir.resolve(name + ".raw"), DicomFixtures.mrPixels(3));
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
                %3$s
                (7fe0,0010) OW =%4$s.raw
                """.formatted(study, patient(who), DicomFixtures.mrPixelModule(3), name);
        return dump2dcm(name, dump, StandardCharsets.UTF_8, "+ti");
    }

    /** A US multi-frame RGB instance (2 frames), explicit VR LE. */
    Path us(String study, int series, int instance, Who who) throws IOException {
        String name = "us-" + study + "-" + series + "-" + instance;
        Files.write(dir.resolve(name + ".raw"), DicomFixtures.usRgbPixels(2));
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
                %5$s
                (7fe0,0010) OB =%6$s.raw
                """.formatted(study, series, instance, patient(who), DicomFixtures.usRgbPixelModule(2), name);
        return dump2dcm(name, dump, StandardCharsets.ISO_8859_1, "+te");
    }

    /** An 8-bit MONOCHROME2 instance (the input of the JPEG baseline coder). */
    Path ct8(String study, Who who) throws IOException {
        String name = "ct8-" + study;
        Files.write(dir.resolve(name + ".raw"), DicomFixtures.mono8Pixels());
        String dump = """
                (0008,0016) UI =SecondaryCaptureImageStorage
                (0008,0018) UI [%1$s.1.1]
                (0008,0060) CS [OT]
                %2$s
                (0020,000d) UI [%1$s]
                (0020,000e) UI [%1$s.1]
                (0020,0013) IS [1]
                %3$s
                (7fe0,0010) OB =%4$s.raw
                """.formatted(study, patient(who), DicomFixtures.mono8PixelModule(), name);
        return dump2dcm(name, dump, StandardCharsets.ISO_8859_1, "+te");
    }

    /** {@code tool} (dcmcjpeg, dcmcjpls, dcmcrle) applied to {@code in}, with its options. */
    Path compress(Path in, String tool, String... options) throws IOException {
        Path out = dir.resolve(in.getFileName().toString().replace(".dcm", "") + "-" + tool + ".dcm");
        List<String> args = new ArrayList<>(List.of(options));
        args.add(in.toString());
        args.add(out.toString());
        Dcmtk.run(dir, tool, args.toArray(String[]::new));
        return out;
    }

    /** dcm2json of a file, as text. */
    String dcm2json(Path file) throws IOException {
        return Dcmtk.run(dir, "dcm2json", file.toString());
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
        return Dcmtk.dump2dcm(dir.resolve(name + "-" + (n++) + ".dump"), dump, charset, dir.resolve(name + ".dcm"),
                opts);
    }
}
