package org.patientvault.mobile.timeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;
import java.util.List;
import org.patientvault.mobile.support.Cursor;
import org.patientvault.mobile.support.Hospitals.Org;
import org.patientvault.mobile.support.QualityWords.Quality;

/**
 * One entry of the timeline.
 *
 * @param id          the record ({@code Observation/…}, {@code ImagingStudy/…}, {@code DiagnosticReport/…})
 * @param kind        {@code lab}, {@code checkup}, {@code imaging} or {@code report}
 * @param kindText    the kind in the request's language
 * @param code        the LOINC (or local) code of a result or report, if any
 * @param title       what it is, in the request's language where known ("空腹血糖")
 * @param date        the clinical date ({@code yyyy-MM-dd}, in the vault's zone)
 * @param time        the clinical time as sent (a date or a date-time)
 * @param hospital    who sent it
 * @param submittedAt when the vault stored it
 * @param quality     its data-quality score in words
 * @param result      for lab results and checkups
 * @param imaging     for imaging studies
 * @param report      for reports
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TimelineItem(String id, String kind, String kindText, String code, String title, String date, String time,
                    Org hospital, String submittedAt, Quality quality, Result result, Imaging imaging, Report report,
                    @JsonIgnore Cursor key, @JsonIgnore String searchText) {

    /**
     * A measured or coded result.
     *
     * @param value           the value as sent
     * @param unit            its unit as sent
     * @param text            a coded or text result ("阴性"), when not a quantity
     * @param range           the reference range as sent
     * @param flag            {@code high}, {@code low}, {@code normal} or {@code abnormal}: the hospital's
     *                        interpretation, else the value against the range; absent when neither says
     * @param flagText        the flag in the request's language
     * @param normalizedValue the value in the analyte's canonical UCUM unit, when a conversion is known
     * @param normalizedUnit  that unit
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(BigDecimal value, String unit, String text, Range range, String flag, String flagText,
                  BigDecimal normalizedValue, String normalizedUnit) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Range(BigDecimal low, BigDecimal high, String unit, String text) {
    }

    /**
     * An imaging study.
     *
     * @param modalities    DICOM modality codes (CT, MR, …) and their names
     * @param bodySite      the examined body part, as sent
     * @param seriesCount   number of series
     * @param instanceCount number of images
     * @param thumbnailUrl  a PNG preview of the first series (DICOMweb {@code rendered}, same bearer token)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Imaging(List<String> modalities, List<String> modalityTexts, String bodySite, String description,
                   Integer seriesCount, Integer instanceCount, String studyUid, String thumbnailUrl) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Report(String status, String conclusion, Integer resultCount) {
    }
}
