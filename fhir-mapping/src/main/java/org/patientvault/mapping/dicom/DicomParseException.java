package org.patientvault.mapping.dicom;

import java.io.IOException;

/**
 * The input is not a DICOM Part-10 stream the reader accepts: bad preamble, truncation, an unknown VR, an absurd
 * length, too deep nesting, an unsupported transfer syntax or character set. Carries the byte offset (in the decoded
 * stream, -1 if unknown) and the tag being read (-1 if none).
 */
public class DicomParseException extends IOException {
    private final long offset;
    private final int tag;

    public DicomParseException(String message, long offset, int tag) {
        super(message + " (offset " + offset + (tag == -1 ? "" : ", tag " + DicomTags.toString(tag)) + ")");
        this.offset = offset;
        this.tag = tag;
    }

    /** Byte offset where the problem was found, or -1. */
    public long offset() {
        return offset;
    }

    /** Tag being parsed, or -1. */
    public int tag() {
        return tag;
    }
}
