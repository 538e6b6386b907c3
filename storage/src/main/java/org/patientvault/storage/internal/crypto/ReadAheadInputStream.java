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
 * Full-read pipeline: a pool thread reads and decrypts ahead (at most {@code depth} chunks queued, so memory
 * stays bounded) while the caller's thread hashes what it consumes; at EOF the hash is compared with the
 * authenticated one from the trailer. Why: decrypting and hashing on one thread made verified reads CPU-bound
 * at about half the raw download rate.
 */
public final class ReadAheadInputStream extends InputStream {

  private record Chunk(byte[] bytes, int length) {}

  private record Failure(Throwable cause) {}

  private static final Object END = new Object();

  private final InputStream source;
  private final BlockingQueue<Object> queue;
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
    this.expectedSha256 = expectedSha256;
    this.objectKey = objectKey;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
    this.task = executor.submit(() -> {
      try {
        while (true) {
          byte[] b = new byte[chunkSize];
          int n = source.readNBytes(b, 0, chunkSize);
          if (n > 0) {
            queue.put(new Chunk(b, n));
          }
          if (n < chunkSize) {
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
          throw new ObjectIntegrityException("Object '" + objectKey + "' does not match the SHA-256 recorded at write");
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
