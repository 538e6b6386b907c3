package org.patientvault.storage;

/**
 * A stored object failed authentication or verification: tampered, truncated, extended or reordered ciphertext,
 * a header that does not belong to this key, a wrong master key, or a SHA-256 mismatch on a full read. No byte of
 * an unauthenticated segment is ever returned. Maps to 500 (it is the server's data that is wrong).
 */
public class ObjectIntegrityException extends StorageException {
    private static final long serialVersionUID = 1L;

    public ObjectIntegrityException(String message) {
        super(message);
    }

    public ObjectIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
