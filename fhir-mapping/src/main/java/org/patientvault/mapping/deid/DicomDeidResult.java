package org.patientvault.mapping.deid;

import java.util.Map;

/** What {@link DicomDeidentifier} did with one instance: written de-identified, or excluded with a reason. */
public sealed interface DicomDeidResult permits DicomDeidResult.Written, DicomDeidResult.Excluded {

    /**
     * The instance was written. The UIDs are the new ones; {@code uidMap} maps every replaced original UID to its
     * replacement (it contains original UIDs, so it is for the exporting vault's bookkeeping, never for the recipient).
     *
     * @param removed          elements removed (X), including private ones and text holding identifiers
     * @param identifiersInText elements removed because their text held a resident ID or mobile number
     * @param pixelDataBytes   bytes of the Pixel Data value copied through unchanged
     */
    record Written(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, Map<String, String> uidMap,
            int removed, int identifiersInText, long pixelDataBytes) implements DicomDeidResult {
        public Written {
            uidMap = Map.copyOf(uidMap);
        }
    }

    /** The instance was not written (nothing was written to the output). */
    record Excluded(Reason reason, String detail) implements DicomDeidResult {
    }

    /** Why an instance is not shipped. */
    enum Reason {
        /** Burned In Annotation (0028,0301) is YES: pixel data would need rewriting, which we never do. */
        BURNED_IN_ANNOTATION,
        /** Ultrasound or secondary capture, which usually carry burned-in text, without an explicit Burned In Annotation NO. */
        POSSIBLY_BURNED_IN,
        /** Explicit VR big endian (retired) or deflated: the pixel data cannot be streamed through unchanged. */
        UNSUPPORTED_TRANSFER_SYNTAX
    }
}
