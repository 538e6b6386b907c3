package org.patientvault.storage;

/** No object is stored under the key (maps to 404). */
public final class ObjectNotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ObjectNotFoundException(String key) {
        super("No stored object under key '" + key + "'");
        this.key = key;
    }

    public String key() {
        return key;
    }
}
