package org.patientvault.vault.cohort;

/** The URLs of a cohort request's extensions and the codes of its status ({@code docs/cohorts.md}). */
final class CohortCodes {
    private CohortCodes() {
    }

    static final String SD = "https://patientvault.org/fhir/StructureDefinition/";
    /** Bulk Data Cohort API: a FHIR query a member must match (modifier extension on Group). */
    static final String MEMBER_FILTER = "http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter";
    static final String FHIR_QUERY = "application/x-fhir-query";
    static final String PURPOSE = SD + "cohort-purpose";
    static final String DATA_CLASS = SD + "cohort-data-class";
    static final String MODALITY = SD + "cohort-modality";
    static final String MIN_QUALITY = SD + "cohort-min-quality";
    static final String AGE = SD + "cohort-age";
    static final String SEX = SD + "cohort-sex";
    static final String DATA_PERIOD = SD + "cohort-data-period";
    static final String CROSS_BORDER = SD + "cohort-cross-border";
    static final String PROJECT = SD + "cohort-project";
    static final String NOTIFY = SD + "cohort-notification-endpoint";
    /** Server-set on the Group the vault answers with: status, the committee's reason, and the latest release. */
    static final String STATUS = SD + "cohort-status";
    static final String STATUS_REASON = SD + "cohort-status-reason";
    static final String RELEASE = SD + "cohort-release";
    /** Extension URLs a firm may send; anything else on the Group is refused. */
    static final java.util.Set<String> REQUEST_EXTENSIONS = java.util.Set.of(PURPOSE, DATA_CLASS, MODALITY,
            MIN_QUALITY, AGE, SEX, DATA_PERIOD, CROSS_BORDER, PROJECT, NOTIFY);
    static final String AI_TRAINING = "ai-training";
}
