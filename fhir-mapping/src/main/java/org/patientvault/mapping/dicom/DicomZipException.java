package org.patientvault.mapping.dicom;

import java.io.IOException;

/** A zip upload was rejected. Names the offending member (null when the problem is not tied to one). */
public class DicomZipException extends IOException {
    /** Why the upload was rejected. */
    public enum Reason {
        /** absolute path, drive letter or {@code ..} segment (zip slip) */
        UNSAFE_PATH,
        TOO_MANY_ENTRIES,
        ENTRY_TOO_LARGE,
        TOTAL_TOO_LARGE,
        /** inflated/compressed ratio above the limit (zip bomb) */
        COMPRESSION_RATIO,
        /** a member that is neither ignorable nor a DICOM Part-10 file */
        NOT_DICOM,
        /** the zip structure is broken */
        CORRUPT_ZIP,
        /** the zip holds no DICOM instance */
        NO_INSTANCES
    }

    private final String member;
    private final Reason reason;

    public DicomZipException(Reason reason, String member, String message) {
        super(message + (member == null ? "" : " (member '" + member + "')"));
        this.reason = reason;
        this.member = member;
    }

    public Reason reason() {
        return reason;
    }

    public String member() {
        return member;
    }
}
