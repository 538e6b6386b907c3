package org.patientvault.storage;

import java.time.Instant;

/**
 * An encrypted object as the vault sees it: plaintext size and plaintext SHA-256.
 *
 * @param key         object key
 * @param owner       key owner id (the per-patient key that protects it)
 * @param size        plaintext size in bytes
 * @param sha256Hex   lower-case hex SHA-256 of the plaintext, as recorded at write
 * @param contentType content type given at put, or null
 * @param created     when the object was completed
 */
public record StoredObject(String key, String owner, long size, String sha256Hex, String contentType,
        Instant created) {}
