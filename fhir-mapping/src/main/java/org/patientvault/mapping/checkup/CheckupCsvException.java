package org.patientvault.mapping.checkup;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A checkup CSV was refused; nothing from it may be written. {@link #errors()} lists every problem
 * found (up to a cap), each with row and column, so the clinic can fix the file in one go. The
 * message lists the first few.
 */
public final class CheckupCsvException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure; the first error decides it. */
    public enum Kind {
        /** charset missing, not accepted, or bytes invalid in it. */
        ENCODING,
        /** over the size limit. */
        SIZE,
        /** header missing, required columns missing, or the CSV syntax is broken. */
        STRUCTURE,
        /** one or more rows have invalid fields. */
        ROWS
    }

    private final Kind kind;
    private final transient List<CheckupCsvError> errors;

    public CheckupCsvException(Kind kind, List<CheckupCsvError> errors) {
        super(summary(errors));
        this.kind = kind;
        this.errors = List.copyOf(errors);
    }

    private static String summary(List<CheckupCsvError> errors) {
        String first = errors.stream().limit(5).map(CheckupCsvError::toString).collect(Collectors.joining("; "));
        return errors.size() <= 5 ? first : first + "; and " + (errors.size() - 5) + " more";
    }

    public Kind kind() {
        return kind;
    }

    public List<CheckupCsvError> errors() {
        return errors;
    }
}
