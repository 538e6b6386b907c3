package org.patientvault.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/** Test double: an ObjectStore in a map, with hooks to corrupt stored bytes. */
final class InMemoryObjectStore implements ObjectStore {

    record Entry(byte[] bytes, ObjectInfo info) {}

    final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>();
    long rangeBytesServed;

    @Override
    public ObjectInfo put(String key, InputStream data, long length, String contentType, Map<String, String> metadata) {
        MinioObjectStore.checkKey(key);
        try {
            byte[] bytes = data.readAllBytes();
            if (length >= 0 && bytes.length != length) {
                throw new StorageInputException(StorageInputException.Reason.LENGTH_MISMATCH, "length");
            }
            ObjectInfo info = new ObjectInfo(key, bytes.length, Instant.now(), contentType, metadata);
            objects.put(key, new Entry(bytes, info));
            return info;
        } catch (IOException e) {
            throw new StorageInputException(StorageInputException.Reason.TRUNCATED, e.getMessage());
        }
    }

    @Override
    public InputStream get(String key) {
        return new ByteArrayInputStream(entry(key).bytes());
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        byte[] b = entry(key).bytes();
        int from = (int) Math.min(offset, b.length);
        int n = (int) Math.min(length, b.length - from);
        rangeBytesServed += n;
        return new ByteArrayInputStream(b, from, n);
    }

    @Override
    public ObjectInfo stat(String key) {
        Entry e = entry(key);
        return new ObjectInfo(key, e.bytes().length, e.info().lastModified(), e.info().contentType(),
                e.info().metadata());
    }

    @Override
    public boolean exists(String key) {
        return objects.containsKey(key);
    }

    @Override
    public void delete(String key) {
        objects.remove(key);
    }

    @Override
    public Stream<ObjectInfo> list(String prefix) {
        return objects.tailMap(prefix).entrySet().stream().takeWhile(e -> e.getKey().startsWith(prefix))
                .map(e -> stat(e.getKey()));
    }

    @Override
    public URI presignGet(String key, Duration expiry) {
        return URI.create("memory:" + key);
    }

    @Override
    public int abortIncompleteUploads(String prefix, Instant initiatedBefore) {
        return 0;
    }

    @Override
    public void close() {}

    byte[] bytes(String key) {
        return entry(key).bytes();
    }

    void replace(String key, byte[] bytes) {
        Entry e = entry(key);
        objects.put(key, new Entry(bytes, e.info()));
    }

    private Entry entry(String key) {
        Entry e = objects.get(key);
        if (e == null) {
            throw new ObjectNotFoundException(key);
        }
        return e;
    }
}
