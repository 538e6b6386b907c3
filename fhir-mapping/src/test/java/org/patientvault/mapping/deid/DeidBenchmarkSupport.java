package org.patientvault.mapping.deid;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomElement;
import org.patientvault.mapping.dicom.DicomFile;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.mapping.dicom.DicomTransferSyntax;
import org.patientvault.mapping.dicom.DicomVr;
import org.patientvault.mapping.dicom.DicomWriter;

/** Inputs for the JMH benchmark (public so the bench package can use the package-private corpus). */
public final class DeidBenchmarkSupport {
    private DeidBenchmarkSupport() {
    }

    /** A DICOM de-identifier as the benchmarks call it. */
    public interface DicomDeid {
        Object deidentify(String patientId, InputStream in, OutputStream out) throws IOException;
    }

    /**
     * The streaming filter ({@link DicomDeidentifier}) or, {@code model}, the parse-modify-write implementation it
     * replaced (kept in the tests as the equivalence reference), for before/after figures from one run.
     */
    public static DicomDeid dicomDeidentifier(boolean model) {
        if (model) {
            ModelDicomDeidentifier m = new ModelDicomDeidentifier(release());
            return m::deidentify;
        }
        DicomDeidentifier d = new DicomDeidentifier(release());
        return d::deidentify;
    }

    public static DeidRelease release() {
        return DeidRelease.fromKey("benchmark-release-key-0123456789".getBytes(StandardCharsets.US_ASCII), 180,
                LocalDate.of(2026, 12, 1));
    }

    /** The planted-marker corpus without Provenance/AuditEvent (7 resources per patient). */
    public static List<Resource> fhirResources(int patients) {
        return DeidCorpus.generate(patients).resources.stream()
                .filter(r -> !r.fhirType().equals("Provenance") && !r.fhirType().equals("AuditEvent")).toList();
    }

    /**
     * A CT-like instance, 512 x 512 x 16 bit (512 KiB of pixel data) with a realistic identifying header (names,
     * IDs, dates, institution, a private block, sequences).
     */
    public static byte[] ctInstance(int frames) throws IOException {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.SpecificCharacterSet, DicomVr.CS, "ISO_IR 192");
        ds.putString(0x00080008, DicomVr.CS, "ORIGINAL", "PRIMARY", "AXIAL");
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.840.10008.5.1.4.1.1.2");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI, "1.2.826.0.1.3680043.2.1125.1.1");
        ds.putString(0x00080020, DicomVr.DA, "20240115");
        ds.putString(0x00080030, DicomVr.TM, "093015");
        ds.putString(0x00080050, DicomVr.SH, "ACC123456");
        ds.putString(DicomTags.Modality, DicomVr.CS, "CT");
        ds.putString(0x00080080, DicomVr.LO, "北京协和医院");
        ds.putString(0x00080090, DicomVr.PN, "王^医生");
        ds.putString(0x00081030, DicomVr.LO, "胸部CT平扫");
        ds.putString(0x0008103E, DicomVr.LO, "Axial 5mm");
        ds.putString(0x00090010, DicomVr.LO, "ACME PRIVATE");
        ds.putString(0x00091001, DicomVr.LO, "private value");
        ds.putString(0x00100010, DicomVr.PN, "张^三");
        ds.putString(0x00100020, DicomVr.LO, "MRN0001");
        ds.putString(0x00100030, DicomVr.DA, "19800101");
        ds.putString(0x00100040, DicomVr.CS, "M");
        ds.putString(0x00180050, DicomVr.DS, "5.0");
        ds.putString(DicomTags.StudyInstanceUID, DicomVr.UI, "1.2.826.0.1.3680043.2.1125.1");
        ds.putString(DicomTags.SeriesInstanceUID, DicomVr.UI, "1.2.826.0.1.3680043.2.1125.1.2");
        ds.putString(0x00200052, DicomVr.UI, "1.2.826.0.1.3680043.2.1125.9");
        DicomDataset code = new DicomDataset(ds.charset());
        code.putString(DicomTags.CodeValue, DicomVr.SH, "24627-2");
        code.putString(DicomTags.CodingSchemeDesignator, DicomVr.SH, "LN");
        code.putString(DicomTags.CodeMeaning, DicomVr.LO, "CT Chest");
        ds.putSequence(0x00321064, List.of(code));
        ds.putInt(0x00280002, DicomVr.US, 1);
        ds.putString(0x00280004, DicomVr.CS, "MONOCHROME2");
        ds.putString(0x00280008, DicomVr.IS, Integer.toString(frames));
        ds.putInt(0x00280010, DicomVr.US, 512);
        ds.putInt(0x00280011, DicomVr.US, 512);
        ds.putInt(0x00280100, DicomVr.US, 16);
        ds.putInt(0x00280101, DicomVr.US, 12);
        ds.putInt(0x00280102, DicomVr.US, 11);
        ds.putInt(0x00280103, DicomVr.US, 0);
        byte[] px = new byte[512 * 512 * 2 * frames];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 31 >>> 3);
        }
        ds.put(DicomElement.of(DicomTags.PixelData, DicomVr.OW, px));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DicomWriter().write(DicomFile.of(ds, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN), out);
        return out.toByteArray();
    }
}
