package org.patientvault.mapping.dicom;

import java.io.IOException;

/** A dataset cannot be written as asked (unsupported transfer syntax, missing UIDs, a value too long for its VR). */
public class DicomWriteException extends IOException {
    public DicomWriteException(String message) {
        super(message);
    }
}
