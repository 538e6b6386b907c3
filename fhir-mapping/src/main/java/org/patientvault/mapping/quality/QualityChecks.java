package org.patientvault.mapping.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * The default check set and the stable ids of its checks. Plug-in checks (terminology, DICOM) are added by
 * concatenating lists: {@code QualityChecks.with(myCheck)}; the scorer needs no change.
 *
 * <p>Cost: {@link #defaults()} reads and validates the tables under {@code quality/} (a few milliseconds); build the
 * list once at startup and share it.
 */
public final class QualityChecks {
    public static final String BASE_VALIDATION = "conf.base-validation";
    public static final String STANDARD_CODING = "conf.standard-coding";
    public static final String RESIDENT_ID = "conf.resident-id";
    public static final String MRN_IDENTIFIER = "conf.mrn-identifier";
    public static final String REFERENCE_INTEGRITY = "conf.reference-integrity";
    public static final String OBSERVATION_CODE = "compl.observation-code";
    public static final String OBSERVATION_VALUE = "compl.observation-value";
    public static final String OBSERVATION_UNIT = "compl.observation-unit";
    public static final String OBSERVATION_EFFECTIVE = "compl.observation-effective";
    public static final String OBSERVATION_REFERENCE_RANGE = "compl.observation-reference-range";
    public static final String REPORT_RESULTS = "compl.report-results";
    public static final String REPORT_ISSUED = "compl.report-issued";
    public static final String REPORT_PERFORMER = "compl.report-performer";
    public static final String PATIENT_BIRTH_DATE = "compl.patient-birthdate";
    public static final String PATIENT_GENDER = "compl.patient-gender";
    public static final String IMAGING_MODALITY = "compl.imaging-modality";
    public static final String IMAGING_BODY_SITE = "compl.imaging-body-site";
    public static final String IMAGING_SERIES_COUNT = "compl.imaging-series-count";
    public static final String IMAGING_INSTANCE_COUNT = "compl.imaging-instance-count";
    public static final String DICOM_ACQUISITION = "compl.dicom-acquisition";
    public static final String VALUE_RANGE = "plaus.value-range";
    public static final String UNIT_ANALYTE = "plaus.unit-analyte";
    public static final String FUTURE_DATE = "plaus.future-date";
    public static final String BEFORE_BIRTH = "plaus.before-birth";
    public static final String SEX_SPECIFIC = "plaus.sex-specific";
    public static final String DUPLICATE = "plaus.duplicate";

    private QualityChecks() {
    }

    /** The default checks (new list each call; the tables are loaded each call, so call it once). */
    public static List<QualityCheck> defaults() {
        return DefaultChecks.create();
    }

    /** The default checks followed by {@code extra} plug-ins. */
    public static List<QualityCheck> with(QualityCheck... extra) {
        List<QualityCheck> all = new ArrayList<>(defaults());
        for (QualityCheck c : extra) {
            if (c == null) {
                throw new QualityInputException("plug-in check is null");
            }
            all.add(c);
        }
        return List.copyOf(all);
    }
}
