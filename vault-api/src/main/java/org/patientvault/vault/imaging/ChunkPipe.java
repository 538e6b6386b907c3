package org.patientvault.vault.imaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A bounded pipe between two threads: the request thread parses a DICOM instance while copying it into
 * {@link #sink()}, and a storage thread encrypts and uploads what it reads from {@link #source()}.
 *
 * <p>Why: the object store pulls from an {@code InputStream} and the DICOM reader pushes its copy into an
 * {@code OutputStream}; joining them without a thread would mean holding the instance. Cost: at most
 * {@code QUEUE} chunks of {@code CHUNK} bytes (about 1 MiB) in flight. A failure on either side fails the other:
 * {@link #fail(Throwable)} makes the reader's next read throw (so the upload is abandoned and nothing is stored), and
 * a closed or failed reader makes the writer's next write throw.
 */
final class ChunkPipe {

    private static final int CHUNK = 128 * 1024;
    private static final int QUEUE = 8;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private volatile Throwable writerFailure;
    private volatile boolean readerGone;

    private final OutputStream sink = new OutputStream() {
        private byte[] chunk = new byte[CHUNK];
        private int n;
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int take = Math.min(len, CHUNK - n);
                System.arraycopy(b, off, chunk, n, take);
                n += take;
                off += take;
                len -= take;
                if (n == CHUNK) {
                    flushChunk();
                }
            }
        }

        private void flushChunk() throws IOException {
            if (n == 0) {
                return;
            }
            byte[] full = n == CHUNK ? chunk : java.util.Arrays.copyOf(chunk, n);
            put(full);
            chunk = new byte[CHUNK];
            n = 0;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                flushChunk();
                put(END);
            }
        }
    };

    private final InputStream source = new InputStream() {
        private byte[] current;
        private int at;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            while (current == null || at == current.length) {
                current = take();
                at = 0;
                if (current == END) {
                    ended = true;
                    return -1;
                }
            }
            int n = Math.min(len, current.length - at);
            System.arraycopy(current, at, b, off, n);
            at += n;
            return n;
        }

        @Override
        public void close() {
            readerGone = true;
            queue.clear();
        }
    };

    OutputStream sink() {
        return sink;
    }

    InputStream source() {
        return source;
    }

    /** The writer failed: the reader's next read throws, so whatever consumes it gives up. */
    void fail(Throwable cause) {
        writerFailure = cause;
        queue.clear();
        queue.offer(END);
    }

    /** The reader stopped (its consumer failed or finished): writes are refused from now on. */
    void readerGone() {
        readerGone = true;
        queue.clear();
    }

    private void put(byte[] chunk) throws IOException {
        try {
            while (!queue.offer(chunk, 200, TimeUnit.MILLISECONDS)) {
                if (readerGone) {
                    throw new IOException("the object store stopped reading the instance");
                }
            }
            if (readerGone) {
                throw new IOException("the object store stopped reading the instance");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while passing an instance to the object store");
        }
    }

    private byte[] take() throws IOException {
        try {
            byte[] c = queue.take();
            if (writerFailure != null) {
                throw new IOException("the instance could not be read: " + writerFailure.getMessage());
            }
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading an instance");
        }
    }
}
