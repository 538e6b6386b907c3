package org.patientvault.mapping.terminology;

/**
 * A local code (or, when there is no code, a name) that no map in force covers. Not an error: it is
 * reported in the submission receipt so the hospital can extend its ConceptMap.
 */
public record TerminologyUnmappedCode(String system, String code, String display) {
}
