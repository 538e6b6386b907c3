package org.patientvault.mapping.deid;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.patientvault.mapping.dicom.DicomParseException;
import org.patientvault.mapping.dicom.DicomTransferSyntax;
import org.patientvault.mapping.dicom.DicomWriteException;

/**
 * De-identifies DICOM Part-10 instances by the PS3.15 Annex E Basic Application Level Confidentiality Profile with the
 * Retain Longitudinal Temporal Information with Modified Dates option (the patient's {@link DeidRelease#shiftDays}
 * offset, the same as on the FHIR side) and the sex/size/weight part of Retain Patient Characteristics. The action
 * table is data ({@code deid/dicom-basic-profile.tsv}, listed in {@code docs/deidentification.md}); sequences are
 * processed recursively; private elements are removed; UIDs are replaced by {@link DeidRelease#dicomUid}, so the FHIR
 * {@code ImagingStudy} of the same release names the same new UIDs.
 *
 * <p>Pixel data is never rewritten: an instance with Burned In Annotation YES, or an ultrasound / secondary capture
 * without an explicit NO, is {@linkplain DicomDeidResult.Excluded excluded} and nothing is written. Otherwise the
 * instance goes through a single-pass streaming filter ({@code DicomDeidFilter}): each element header is parsed, its
 * action looked up, kept values are copied from the input buffer straight to the output buffer and changed ones
 * rewritten there; the de-identified header (a few KiB) is held until Pixel Data, because Burned In Annotation decides
 * whether anything is written at all. The Pixel Data value (native or encapsulated) is then copied through byte for byte
 * with the same reused 64 KiB buffer: memory is the header plus the buffers, whatever the instance size. Elements after
 * Pixel Data (trailing padding, digital signatures; both X in Annex E) are dropped. Explicit VR big endian and deflated
 * instances are excluded (their pixel data cannot be streamed unchanged).
 *
 * <p>Cost per instance: the header bytes parsed once, a few small strings for the changed values, and one copy of every
 * byte from the source into the caller's stream (the same as a plain buffered copy); no dataset objects.
 *
 * <p>Thread-safe; one instance per release (the buffers are per thread). On an exception (malformed input) the output
 * holds a partial instance and must be discarded.
 */
public final class DicomDeidentifier {
    private static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
    /** Written into Deidentification Method (0012,0063). */
    public static final String METHOD_TEXT = "PatientVault research-1: PS3.15 E Basic + modified dates";

    /** One filter (its 64 KiB input buffer and header output buffer) per thread, reused across instances. */
    private static final ThreadLocal<DicomDeidFilter> FILTERS = ThreadLocal.withInitial(DicomDeidFilter::new);

    private final DeidRelease release;
    private final DeidReport report = new DeidReport();

    public DicomDeidentifier(DeidRelease release) {
        this.release = Objects.requireNonNull(release, "release");
    }

    /** Counts over every instance so far (excluded reasons, actions applied). */
    public DeidReport report() {
        return report;
    }

    /**
     * Reads one instance of the patient with vault logical id {@code patientId} from {@code in} and writes its
     * de-identified form to {@code out}, or nothing when it is excluded. Neither stream is closed.
     *
     * @throws DicomParseException when {@code in} is not acceptable DICOM
     */
    public DicomDeidResult deidentify(String patientId, InputStream in, OutputStream out) throws IOException {
        report.resourceIn();
        DicomDeidFilter cached = FILTERS.get();
        // a stream that itself de-identifies on this thread (nested use) must not share the buffers
        DicomDeidFilter f = cached.inUse ? new DicomDeidFilter() : cached;
        f.inUse = true;
        try {
            return deidentify(f, patientId, in, out);
        } finally {
            f.release();
            f.inUse = false;
        }
    }

    /** This thread's filter (tests check what its buffers keep between instances). */
    static DicomDeidFilter filterOfThisThread() {
        return FILTERS.get();
    }

    private DicomDeidResult deidentify(DicomDeidFilter f, String patientId, InputStream in, OutputStream out)
            throws IOException {
        String ts = f.readHeader(release, patientId, in);
        DicomDeidResult.Excluded excluded = exclusion(f, ts);
        if (excluded != null) {
            report.excluded(excluded.reason().name());
            return excluded;
        }
        if (f.processFailure != null) {
            throw f.processFailure;
        }
        for (int i = 0; i < DicomDeidFilter.RULE_IDS.length; i++) {
            report.rule(DicomDeidFilter.RULE_IDS[i], f.rules[i]);
        }
        for (int i = 0; i < f.residentIds; i++) {
            report.residentIdRemoved();
        }
        for (int i = 0; i < f.mobiles; i++) {
            report.mobileRemoved();
        }
        if (f.sopClassOut == null || f.sopInstanceOut == null) {
            throw new DicomWriteException("dataset needs SOP Class UID (0008,0016) and SOP Instance UID (0008,0018)");
        }
        if (f.writeFailure != null) {
            throw f.writeFailure;
        }
        long copied = f.writeTo(out);
        out.flush();
        report.resourceOut();
        return new DicomDeidResult.Written(f.studyOut, f.seriesOut, f.sopInstanceOut, f.uids, f.removed, f.inText,
                copied);
    }

    private static DicomDeidResult.Excluded exclusion(DicomDeidFilter f, String ts) {
        if (DicomTransferSyntax.EXPLICIT_VR_BIG_ENDIAN.equals(ts)
                || DicomTransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(ts)) {
            return new DicomDeidResult.Excluded(DicomDeidResult.Reason.UNSUPPORTED_TRANSFER_SYNTAX, ts);
        }
        String burned = f.burnedIn;
        if ("YES".equalsIgnoreCase(burned)) {
            return new DicomDeidResult.Excluded(DicomDeidResult.Reason.BURNED_IN_ANNOTATION, "Burned In Annotation YES");
        }
        String modality = f.modality;
        String sopClass = f.sopClassIn == null ? "" : f.sopClassIn;
        boolean risky = "US".equalsIgnoreCase(modality) || sopClass.equals(SECONDARY_CAPTURE)
                || sopClass.startsWith(SECONDARY_CAPTURE + ".");
        if (risky && !"NO".equalsIgnoreCase(burned)) {
            return new DicomDeidResult.Excluded(DicomDeidResult.Reason.POSSIBLY_BURNED_IN,
                    (modality == null ? "secondary capture" : modality) + " without Burned In Annotation NO");
        }
        return null;
    }
}
