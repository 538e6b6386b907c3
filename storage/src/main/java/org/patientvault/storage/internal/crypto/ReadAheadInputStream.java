package org.patientvault.storage.internal.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.patientvault.storage.ObjectIntegrityException;
import org.patientvault.storage.StorageUnavailableException;

/**
 * Full-read pipeline: a pool thread reads and decrypts ahead (at most {@code depth} chunks queued) while the caller's
 * thread hashes what it consumes; at EOF the hash is compared with the authenticated one from the trailer. Why:
 * decrypting and hashing on one thread made verified reads CPU-bound at about half the raw download rate.
 *
 * <p>Memory: {@code depth + 2} chunk buffers, allocated on first use and reused (the chunk being filled, those
 * queued, the one being read), so a download allocates nothing per chunk and never holds more.
 */
public final class ReadAheadInputStream extends InputStream {

    private record Chunk(byte[] bytes, int length) {}

    private record Failure(Throwable cause) {}

    private static final Object END = new Object();

    private final InputStream source;
    private final BlockingQueue<Object> queue;
    /** Buffers the consumer finished with, for the producer to fill again. */
    private final BlockingQueue<byte[]> free;
    private final Future<?> task;
    private final MessageDigest sha256;
    private final Supplier<byte[]> expectedSha256;
    private final String objectKey;
    private Chunk current;
    private int pos;
    private boolean done;

    public ReadAheadInputStream(InputStream source, ExecutorService executor, int chunkSize, int depth,
            Supplier<byte[]> expectedSha256, String objectKey) {
        this.source = source;
        this.queue = new ArrayBlockingQueue<>(depth + 1);
        int buffers = depth + 2;
        this.free = new ArrayBlockingQueue<>(buffers);
        this.expectedSha256 = expectedSha256;
        this.objectKey = objectKey;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
        this.task = executor.submit(() -> {
            try {
                int allocated = 0;
                while (true) {
                    byte[] b = free.poll();
                    if (b == null) {
                        // Allocate up to the bound; past it, wait for the consumer to hand one back.
                        if (allocated < buffers) {
                            b = new byte[chunkSize];
                            allocated++;
                        } else {
                            b = free.take();
                        }
                    }
                    int n = 0;
                    boolean eof = false;
                    try {
                        while (n < chunkSize) {
                            int r = source.read(b, n, chunkSize - n);
                            if (r < 0) {
                                eof = true;
                                break;
                            }
                            n += r;
                        }
                    } catch (Throwable t) {
                        // What verified before the failure is still delivered, then the failure.
                        if (n > 0) {
                            queue.put(new Chunk(b, n));
                        }
                        throw t;
                    }
                    if (n > 0) {
                        queue.put(new Chunk(b, n));
                    }
                    if (eof) {
                        queue.put(END);
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                queue.offer(new Failure(t));
            }
        });
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (current == null || pos == current.length()) {
            if (done) {
                return -1;
            }
            Object next;
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageUnavailableException("Interrupted while reading '" + objectKey + "'", e);
            }
            if (next == END) {
                done = true;
                byte[] expected = expectedSha256.get();
                if (expected == null || !MessageDigest.isEqual(expected, sha256.digest())) {
                    throw new ObjectIntegrityException("Object '" + objectKey
                            + "' does not match the SHA-256 recorded at write");
                }
                return -1;
            }
            if (next instanceof Failure f) {
                done = true;
                if (f.cause() instanceof RuntimeException re) {
                    throw re;
                }
                if (f.cause() instanceof IOException io) {
                    throw io;
                }
                if (f.cause() instanceof Error err) {
                    throw err;
                }
                throw new StorageUnavailableException("Reading '" + objectKey + "' failed", f.cause());
            }
            if (current != null) {
                free.offer(current.bytes());
            }
            current = (Chunk) next;
            pos = 0;
            sha256.update(current.bytes(), 0, current.length());
        }
        int n = Math.min(len, current.length() - pos);
        System.arraycopy(current.bytes(), pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        done = true;
        task.cancel(true);
        queue.clear();
        source.close();
    }
}
