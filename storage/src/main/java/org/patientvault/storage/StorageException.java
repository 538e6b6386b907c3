package org.patientvault.storage;

/**
 * Base of every failure this module reports. Unchecked, so streaming callbacks can carry it; callers map the
 * concrete subtype to a status (see each subtype's contract).
 */
public abstract class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected StorageException(String message) {
        super(message);
    }

    protected StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
