package org.patientvault.mapping.dicom;

/** Transfer syntax UIDs the vault names, and what the reader can decode. */
public final class DicomTransferSyntax {
    private DicomTransferSyntax() {
    }

    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";
    /** JPEG Baseline (Process 1): the only compressed syntax {@link DicomPreview} renders. */
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";

    /** True for the syntaxes whose pixel data is native (not encapsulated). */
    public static boolean isNative(String uid) {
        return IMPLICIT_VR_LITTLE_ENDIAN.equals(uid) || EXPLICIT_VR_LITTLE_ENDIAN.equals(uid)
                || DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(uid) || EXPLICIT_VR_BIG_ENDIAN.equals(uid);
    }
}
