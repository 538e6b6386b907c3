package org.patientvault.storage;

/**
 * The S3 server could not be reached or kept failing after the bounded retries (connection refused, timeouts,
 * 5xx, rejected credentials). The application maps it to 503. Nothing half-written remains when it is thrown by a put.
 */
public final class StorageUnavailableException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
