/**
 * Local codes and units to standard meaning ({@code docs/terminology.md}): ConceptMaps to LOINC and units to UCUM,
 * added beside the original, never replacing it. Public face:
 * {@link org.patientvault.mapping.terminology.TerminologyMaps} (starter plus hospital ConceptMaps),
 * {@link org.patientvault.mapping.terminology.UcumUnits}, {@link org.patientvault.mapping.terminology.ObservationNormalizer}
 * and what they report ({@code TerminologyMatch}, {@code TerminologyReport}, {@code TerminologySummary},
 * {@code TerminologyUnmappedCode}, {@code UcumConversion}, {@code TerminologyMapException}).
 */
package org.patientvault.mapping.terminology;
