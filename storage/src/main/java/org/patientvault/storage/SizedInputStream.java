package org.patientvault.storage;

import java.io.FilterInputStream;
import java.io.InputStream;

/**
 * A whole-object stream that knows its stored size from the GET response itself, so a full read needs no HEAD
 * before it (one request instead of two; the size and the bytes come from the same response, so they match).
 */
final class SizedInputStream extends FilterInputStream {

    private final long size;

    SizedInputStream(InputStream in, long size) {
        super(in);
        this.size = size;
    }

    /** Stored bytes of the object. */
    long size() {
        return size;
    }
}
