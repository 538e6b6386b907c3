package org.patientvault.storage;

/**
 * The object was encrypted under an owner key that no longer exists: the owner was crypto-shredded
 * ({@link EncryptedObjectStore#destroyOwnerKey(String)}). The data is permanently unreadable; maps to 410 Gone.
 */
public final class OwnerKeyDestroyedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public OwnerKeyDestroyedException(String message) {
        super(message);
    }
}
