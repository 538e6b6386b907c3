package org.patientvault.mapping.terminology;

/**
 * A ConceptMap cannot be used: unreadable, or it maps the same local term to two different LOINC codes.
 * The message names the map URL and the term.
 */
public final class TerminologyMapException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public TerminologyMapException(String message) {
        super(message);
    }

    public TerminologyMapException(String message, Throwable cause) {
        super(message, cause);
    }
}
