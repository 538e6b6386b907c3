package org.patientvault.mapping.dicom;

/**
 * DICOM value representations (PS3.5 §6.2) known to the Patient Vault reader and writer.
 *
 * <p>{@link #longLength()} tells whether the VR uses the 4-byte length form in explicit-VR encodings;
 * {@link #width()} is the byte width of one binary value (used for byte swapping), 0 for text and byte VRs.
 */
public enum DicomVr {
    AE(false, 0, true), AS(false, 0, true), AT(false, 2, false), CS(false, 0, true), DA(false, 0, true),
    DS(false, 0, true), DT(false, 0, true), FD(false, 8, false), FL(false, 4, false), IS(false, 0, true),
    LO(false, 0, true), LT(false, 0, true), OB(true, 0, false), OD(true, 8, false), OF(true, 4, false),
    OL(true, 4, false), OV(true, 8, false), OW(true, 2, false), PN(false, 0, true), SH(false, 0, true),
    SL(false, 4, false), SQ(true, 0, false), SS(false, 2, false), ST(false, 0, true), SV(true, 8, false),
    TM(false, 0, true), UC(true, 0, true), UI(false, 0, true), UL(false, 4, false), UN(true, 0, false),
    UR(true, 0, true), US(false, 2, false), UT(true, 0, true), UV(true, 8, false);

    private final boolean longLength;
    private final int width;
    private final boolean text;

    DicomVr(boolean longLength, int width, boolean text) {
        this.longLength = longLength;
        this.width = width;
        this.text = text;
    }

    /** True when explicit-VR encodings use 2 reserved bytes and a 32-bit length for this VR. */
    public boolean longLength() {
        return longLength;
    }

    /** Byte width of one binary value (2, 4 or 8), or 0 for text, OB, UN and SQ. */
    public int width() {
        return width;
    }

    /** True for character-string VRs. */
    public boolean isText() {
        return text;
    }

    /** True for string VRs whose bytes are decoded with the dataset's Specific Character Set (PS3.5 §6.1.2.3). */
    public boolean usesSpecificCharacterSet() {
        return this == SH || this == LO || this == ST || this == LT || this == PN || this == UC || this == UT;
    }

    /** True for string VRs that can hold several values separated by backslash. */
    public boolean isMultiValuedText() {
        return text && this != LT && this != ST && this != UT && this != UR;
    }

    /** Padding byte for odd-length values: NUL for UI and binary VRs, space for other text. */
    public byte padding() {
        return text && this != UI ? (byte) ' ' : 0;
    }

    /**
     * Parses the two VR characters of an explicit-VR element.
     *
     * @return the VR, or {@code null} when the two bytes are no known VR
     */
    public static DicomVr fromBytes(int b0, int b1) {
        if (b0 < 'A' || b0 > 'Z' || b1 < 'A' || b1 > 'Z') {
            return null;
        }
        try {
            return valueOf(new String(new char[] {(char) b0, (char) b1}));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
