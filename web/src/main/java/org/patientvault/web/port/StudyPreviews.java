package org.patientvault.web.port;

import java.util.Optional;

/**
 * PNG previews of imaging series for the browser, which cannot send the API's bearer token to {@code /dicomweb}.
 * Implemented by vault-api with the same lookup as DICOMweb's {@code rendered}: the series must belong to a study the
 * signed-in user finds through {@code /fhir} (authorization, narrowing, consent, audit).
 */
public interface StudyPreviews {

    /**
     * The preview of one series, as the current signed-in user may see it.
     *
     * @return empty for an unknown, foreign, erased or not previewable series (one answer for all)
     */
    Optional<byte[]> seriesPng(String studyInstanceUid, String seriesInstanceUid);
}
