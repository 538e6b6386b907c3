package org.patientvault.mapping.dicom;

/** A set of DICOM instances cannot be mapped to FHIR: required UIDs missing or instances of different studies. */
public class DicomMappingException extends RuntimeException {
    public DicomMappingException(String message) {
        super(message);
    }
}
