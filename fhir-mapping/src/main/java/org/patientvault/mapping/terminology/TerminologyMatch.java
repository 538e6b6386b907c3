package org.patientvault.mapping.terminology;

/**
 * One mapping found for a local coding.
 *
 * @param loincCode     the LOINC code
 * @param loincDisplay  its display as given by the map
 * @param equivalence   the ConceptMap equivalence code ("equivalent", "narrower", ...)
 * @param conceptMapUrl the canonical URL of the map that gave it
 * @param matchedTerm   the local code or name that matched
 */
public record TerminologyMatch(String loincCode, String loincDisplay, String equivalence, String conceptMapUrl,
                               String matchedTerm) {
}
