package org.patientvault.vault.cohort;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.patientvault.consent.DataClass;

/**
 * A cohort request as the vault builds it, read from the firm's {@code Group} by {@link CohortRequests}.
 *
 * @param criteria        FHIR searches (type and query, e.g. {@code ImagingStudy?modality=CT}); a patient must match
 *                        every one (Bulk Cohort {@code member-filter} semantics)
 * @param classes         data classes to export
 * @param modalities      imaging modalities to export (empty: any)
 * @param minQuality      minimum quality score of an exported record, 0..1
 * @param minAge          youngest age at the record's date, or null
 * @param maxAge          oldest age at the record's date, or null
 * @param sex             administrative sex, or null for any
 * @param dataStart       data period start, or null
 * @param dataEnd         data period end (exclusive), or null
 * @param crossBorder     whether the data leaves the country
 * @param title           project title
 * @param description     project description, or null
 * @param notifyEndpoint  the firm's notification endpoint, or null
 */
record CohortRequest(List<String> criteria, Set<DataClass> classes, Set<String> modalities, double minQuality,
                     Integer minAge, Integer maxAge, String sex, Instant dataStart, Instant dataEnd,
                     boolean crossBorder, String title, String description, URI notifyEndpoint) {
}
