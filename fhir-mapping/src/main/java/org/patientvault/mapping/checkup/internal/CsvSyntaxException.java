package org.patientvault.mapping.checkup.internal;

/** Broken CSV syntax at a line (e.g. an unterminated quoted field). */
public final class CsvSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int line;

    public CsvSyntaxException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
