package org.patientvault.storage;

/** A configuration value is missing or out of range; thrown by constructors so a bad setup fails at startup. */
public final class StorageConfigException extends StorageException {
    private static final long serialVersionUID = 1L;

    public StorageConfigException(String message) {
        super(message);
    }
}
