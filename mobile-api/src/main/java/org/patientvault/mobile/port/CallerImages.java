package org.patientvault.mobile.port;

import java.io.IOException;
import java.io.InputStream;

/**
 * The original DICOM files of a study, as the calling user may retrieve them through DICOMweb (WADO-RS): the study
 * must be one the caller finds as an ImagingStudy through {@code /fhir} (authorization rules, compartment narrowing,
 * consent), and only the instances that study names are read. The bytes are those the hospital sent.
 *
 * <p>Must run as an authenticated caller (a request thread, or {@link CallerContexts.Captured#run}). Cost: one FHIR
 * search for the study, then one streamed, decrypted object-store read per instance; nothing is buffered whole.
 */
public interface CallerImages {

    /** Receives one instance at a time; the stream is valid only during the call and is closed afterwards. */
    @FunctionalInterface
    interface InstanceSink {
        void accept(String seriesUid, String sopInstanceUid, InputStream dicom) throws IOException;
    }

    /**
     * Streams every instance of the study that the caller may retrieve to {@code sink}, one after another.
     *
     * @return false (and nothing streamed) when the study is unknown, another patient's or not consented (all alike)
     * @throws IOException when reading the store or the sink fails
     */
    boolean eachInstance(String studyInstanceUid, InstanceSink sink) throws IOException;
}
