package org.patientvault.storage;

/**
 * The caller's input is unacceptable; maps to a 4xx ({@link Reason#TOO_LARGE} to 413, the rest to 400).
 * Thrown by a put before or while streaming; the put then leaves no object behind.
 */
public final class StorageInputException extends StorageException {
    private static final long serialVersionUID = 1L;

    /** Why the input was refused. */
    public enum Reason {
        /** The stream ended before the declared length. */
        TRUNCATED,
        /** The stream carried more bytes than declared. */
        LENGTH_MISMATCH,
        /** Declared or actual size above the configured maximum. */
        TOO_LARGE,
        /** No bytes where content is required. */
        EMPTY,
        /** A key, owner id, range or other argument is malformed. */
        INVALID_ARGUMENT
    }

    private final Reason reason;

    public StorageInputException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
