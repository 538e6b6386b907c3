package org.patientvault.mobile.timeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.patientvault.mobile.support.Hospitals.Org;
import org.patientvault.mobile.support.QualityWords.Quality;

/** One page of the patient's imaging studies, newest first. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StudiesPage(List<Study> studies, int total, String nextCursor, Boolean truncated) {

    /**
     * A study.
     *
     * @param downloadUrl the original DICOM (DICOMweb WADO-RS, {@code multipart/related}; same bearer token)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Study(String id, String studyUid, String date, String started, List<String> modalities,
                 List<String> modalityTexts, String description, String bodySite, Integer seriesCount,
                 Integer instanceCount, Org hospital, String submittedAt, Quality quality, List<Series> series,
                 String downloadUrl) {
    }

    /**
     * A series.
     *
     * @param previewUrl a rendered PNG of the series (DICOMweb {@code rendered}; same bearer token)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Series(String uid, Integer number, String modality, String bodySite, String description,
                  Integer instanceCount, String previewUrl) {
    }
}
