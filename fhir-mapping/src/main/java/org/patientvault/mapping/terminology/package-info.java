/**
 * Local codes and units to standard meaning ({@code docs/terminology.md}): ConceptMaps to LOINC and units to UCUM,
 * added beside the original, never replacing it. Public face:
 * {@link TerminologyMaps} (starter plus hospital ConceptMaps),
 * {@link UcumUnits}, {@link ObservationNormalizer}
 * and what they report ({@code TerminologyMatch}, {@code TerminologyReport}, {@code TerminologySummary},
 * {@code TerminologyUnmappedCode}, {@code UcumConversion}, {@code TerminologyMapException}).
 */
package org.patientvault.mapping.terminology;
