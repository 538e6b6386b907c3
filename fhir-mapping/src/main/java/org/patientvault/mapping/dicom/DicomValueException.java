package org.patientvault.mapping.dicom;

/**
 * A value present in a dataset cannot be read as asked, e.g. an IS value that is not an integer. Names the tag.
 */
public class DicomValueException extends RuntimeException {
    private final int tag;

    public DicomValueException(int tag, String message) {
        super(DicomTags.toString(tag) + ": " + message);
        this.tag = tag;
    }

    public int tag() {
        return tag;
    }
}
