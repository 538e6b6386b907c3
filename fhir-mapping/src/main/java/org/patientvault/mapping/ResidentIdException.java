package org.patientvault.mapping;

/**
 * A string is not a valid Chinese resident ID. The message says which check failed and shows only a
 * masked form of the input (first 4 and last 4 characters), so it may be logged and returned to a caller.
 */
public final class ResidentIdException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Which validation step failed, in the order they are applied. */
    public enum Failure {
        /** null or blank. */
        MISSING,
        /** not exactly 18 characters. */
        LENGTH,
        /** characters 1–17 are not all digits, or character 18 is not a digit or X. */
        CHARACTERS,
        /** administrative-division prefix (characters 1–6) is not plausible. */
        REGION,
        /** characters 7–14 are not a plausible birth date (real calendar date, 1900 or later, not in the future). */
        BIRTH_DATE,
        /** GB 11643 MOD 11-2 check digit does not match. */
        CHECK_DIGIT
    }

    private final Failure failure;
    private final String masked;

    ResidentIdException(Failure failure, String masked, String detail) {
        super("invalid resident ID " + masked + ": " + detail);
        this.failure = failure;
        this.masked = masked;
    }

    /** The check that failed. */
    public Failure failure() {
        return failure;
    }

    /** The input in masked form (never the full ID). */
    public String masked() {
        return masked;
    }
}
