package org.patientvault.bench.storage;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.storage.MinioObjectStore;
import org.patientvault.storage.S3Settings;

/**
 * Storage benchmark (run by bench/storage/run.sh against S3Proxy in its own process).
 *
 * <pre>
 * throughput &lt;endpoint&gt;  upload/download of 1 MiB, 100 MiB, 1 GiB: vault encrypted store vs raw MinIO SDK
 * heap &lt;endpoint&gt;        peak and post-GC heap while uploading 2 GiB through the encrypted store (run with -Xmx512m)
 * </pre>
 */
public final class StorageBench {

  static final long MIB = 1024 * 1024;
  static final long PART = 16 * MIB;
  static final String ACCESS = "bench-access";
  static final String SECRET = "bench-secret-123";
  static final String BUCKET = "bench";

  public static void main(String[] args) throws Exception {
    String endpoint = args[1];
    S3Settings settings = S3Settings.of(endpoint, ACCESS, SECRET, BUCKET).withPartSize(PART);
    try (MinioObjectStore objects = new MinioObjectStore(settings)) {
      EncryptedObjectStore vault = new EncryptedObjectStore(objects, new byte[32]);
      if (args[0].equals("throughput")) {
        throughput(endpoint, objects, vault);
        crypto();
      } else {
        heap(vault);
      }
    }
  }

  static void throughput(String endpoint, MinioObjectStore objects, EncryptedObjectStore vault) throws Exception {
    MinioClient raw = MinioClient.builder().endpoint(endpoint).credentials(ACCESS, SECRET).region("us-east-1").build();
    objects.exists("warm"); // creates the bucket
    for (int i = 0; i < 5; i++) { // warm-up both paths
      rawPut(raw, "warm", MIB);
      rawGet(raw, "warm");
      vault.put("bench", "warmv", new Pattern(MIB), MIB, null);
      drain(vault.get("warmv"));
    }
    long[][] plan = {{MIB, 20}, {100 * MIB, 3}, {1024 * MIB, 1}};
    // Client-side CPU per byte of the gets (this JVM only; S3Proxy runs in its own): on a saturated machine the
    // throughput ratio follows the ratio of CPU spent per byte.
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.println("| object | reps | raw put MiB/s | vault put MiB/s | put ratio | raw get MiB/s | vault get MiB/s"
        + " | get ratio | raw get CPU ns/B | vault get CPU ns/B |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (long[] p : plan) {
      long size = p[0];
      int reps = (int) p[1];
      double rawPut = 0, rawGet = 0, vPut = 0, vGet = 0, rawCpu = 0, vCpu = 0;
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        rawPut(raw, "raw-obj", size);
        long t1 = System.nanoTime();
        long c1 = os.getProcessCpuTime();
        rawGet(raw, "raw-obj");
        rawCpu += os.getProcessCpuTime() - c1;
        long t2 = System.nanoTime();
        vault.put("bench", "vault-obj", new Pattern(size), size, "application/octet-stream");
        long t3 = System.nanoTime();
        long c3 = os.getProcessCpuTime();
        drain(vault.get("vault-obj"));
        vCpu += os.getProcessCpuTime() - c3;
        long t4 = System.nanoTime();
        rawPut += t1 - t0;
        rawGet += t2 - t1;
        vPut += t3 - t2;
        vGet += t4 - t3;
      }
      raw.removeObject(RemoveObjectArgs.builder().bucket(BUCKET).object("raw-obj").build());
      vault.delete("vault-obj");
      double mib = (double) size * reps / MIB;
      double rp = mib / (rawPut / 1e9), rg = mib / (rawGet / 1e9), vp = mib / (vPut / 1e9), vg = mib / (vGet / 1e9);
      double bytes = (double) size * reps;
      System.out.println(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f× | %.0f | %.0f | %.2f× | %.2f | %.2f |",
          label(size), reps, rp, vp, vp / rp, rg, vg, vg / rg, rawCpu / bytes, vCpu / bytes));
    }
  }

  /**
   * The ceiling the crypto sets: a verified full get of 256 MiB from memory (no network, no S3 server), i.e. AES-GCM
   * of every segment plus the SHA-256 check, on the same two threads as over S3.
   */
  static void crypto() throws Exception {
    MemoryStore memory = new MemoryStore();
    EncryptedObjectStore vault = new EncryptedObjectStore(memory, new byte[32]);
    long size = 256 * MIB;
    vault.put("bench", "mem-obj", new Pattern(size), size, null);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    double best = 0, cpu = 0;
    for (int r = 0; r < 5; r++) {
      long c0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      drain(vault.get("mem-obj"));
      double mibs = 256 / ((System.nanoTime() - t0) / 1e9);
      if (mibs > best) {
        best = mibs;
        cpu = (os.getProcessCpuTime() - c0) / (double) size;
      }
    }
    System.out.println(String.format(Locale.ROOT,
        "| in-memory verified get, 256 MiB (crypto only, best of 5) | %.0f MiB/s | CPU %.2f ns/B |", best, cpu));
  }

  /** Just enough of an in-memory ObjectStore for {@link #crypto()}. */
  static final class MemoryStore implements org.patientvault.storage.ObjectStore {
    private final java.util.Map<String, byte[]> objects = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public org.patientvault.storage.ObjectInfo put(String key, InputStream data, long length, String contentType,
        java.util.Map<String, String> metadata) {
      try {
        objects.put(key, data.readAllBytes());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return stat(key);
    }

    @Override
    public InputStream get(String key) {
      return new java.io.ByteArrayInputStream(objects.get(key));
    }

    @Override
    public InputStream get(String key, long offset, long length) {
      byte[] b = objects.get(key);
      return new java.io.ByteArrayInputStream(b, (int) offset, (int) Math.min(length, b.length - offset));
    }

    @Override
    public org.patientvault.storage.ObjectInfo stat(String key) {
      return new org.patientvault.storage.ObjectInfo(key, objects.get(key).length, java.time.Instant.now(), null,
          null);
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
    public java.util.stream.Stream<org.patientvault.storage.ObjectInfo> list(String prefix) {
      return objects.keySet().stream().filter(k -> k.startsWith(prefix)).map(this::stat);
    }

    @Override
    public java.net.URI presignGet(String key, Duration expiry) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int abortIncompleteUploads(String prefix, java.time.Instant initiatedBefore) {
      return 0;
    }

    @Override
    public void close() {
    }
  }

  static void heap(EncryptedObjectStore vault) throws Exception {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long size = 2048 * MIB;
    AtomicLong peak = new AtomicLong();
    AtomicLong progress = new AtomicLong();
    List<String> afterGc = new ArrayList<>();
    Thread sampler = new Thread(() -> {
      long nextCheckpoint = 256 * MIB;
      while (!Thread.currentThread().isInterrupted()) {
        peak.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
        if (progress.get() >= nextCheckpoint) {
          System.gc();
          afterGc.add(label(nextCheckpoint) + ": " + mem.getHeapMemoryUsage().getUsed() / MIB + " MiB");
          nextCheckpoint += 512 * MIB;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    System.gc();
    long baseline = mem.getHeapMemoryUsage().getUsed();
    sampler.setDaemon(true);
    sampler.start();
    long t0 = System.nanoTime();
    vault.put("bench", "heap-obj", new Pattern(size) {
      @Override
      public int read(byte[] b, int off, int len) {
        int n = super.read(b, off, len);
        if (n > 0) {
          progress.addAndGet(n);
        }
        return n;
      }
    }, -1, null);
    double secs = (System.nanoTime() - t0) / 1e9;
    sampler.interrupt();
    sampler.join();
    vault.delete("heap-obj");
    System.out.println(String.format(Locale.ROOT,
        "| 2 GiB upload, unknown length, -Xmx%d MiB | %.1f s (%.0f MiB/s) | baseline %d MiB | peak used %d MiB (incl. garbage) | live after GC at %s |",
        mem.getHeapMemoryUsage().getMax() / MIB, secs, 2048 / secs, baseline / MIB, peak.get() / MIB,
        String.join(", ", afterGc)));
  }

  static void rawPut(MinioClient raw, String key, long size) throws Exception {
    raw.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).stream(new Pattern(size), size, PART).build());
  }

  static void rawGet(MinioClient raw, String key) throws Exception {
    drain(raw.getObject(GetObjectArgs.builder().bucket(BUCKET).object(key).build()));
  }

  static void drain(InputStream in) throws Exception {
    try (in) {
      byte[] buf = new byte[64 * 1024];
      while (in.read(buf) >= 0) {
        // discard
      }
    }
  }

  static String label(long size) {
    return size >= 1024 * MIB && size % (1024 * MIB) == 0 ? size / (1024 * MIB) + " GiB" : size / MIB + " MiB";
  }

  /** Deterministic generated bytes, never held in memory. */
  static class Pattern extends InputStream {
    private long remaining;
    private long pos;

    Pattern(long length) {
      this.remaining = length;
    }

    @Override
    public int read() {
      if (remaining == 0) {
        return -1;
      }
      remaining--;
      return (int) (pos++ * 31 >>> 3) & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      for (int i = 0; i < n; i++) {
        b[off + i] = (byte) (pos++ * 31 >>> 3);
      }
      remaining -= n;
      return n;
    }
  }
}
