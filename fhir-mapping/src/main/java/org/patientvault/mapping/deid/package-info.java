/**
 * De-identification for releases to AI firms ({@code docs/deidentification.md}): FHIR R4 resources by a profile that is
 * data ({@link org.patientvault.mapping.deid.DeidProfile}, {@link org.patientvault.mapping.deid.FhirDeidentifier}),
 * DICOM Part-10 instances by the PS3.15 Annex E Basic profile with modified dates, streaming
 * ({@link org.patientvault.mapping.deid.DicomDeidentifier}), and the k-anonymity guard over quasi-identifiers
 * ({@link org.patientvault.mapping.deid.KAnonymity}). One {@link org.patientvault.mapping.deid.DeidRelease} per
 * release holds the key from which pseudonyms, date shifts and DICOM UIDs are derived, so the FHIR and DICOM sides of a
 * release agree. Pure: no I/O beyond the streams given, no Spring.
 */
package org.patientvault.mapping.deid;
