package org.patientvault.storage.internal.crypto;

import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/**
 * Why this exists: HotSpot only uses its AES-CTR and GHASH intrinsics once the JDK's GCM callers are C2-compiled,
 * which takes thousands of cipher calls. With 64 KiB segments that is hundreds of MiB of traffic at a fraction of
 * the speed (measured: about 70 vs 400 MiB/s decrypting). Many small seal/open calls on a daemon thread at startup
 * get there in well under a second of one core, off the request path.
 */
public final class CryptoWarmup {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private CryptoWarmup() {}

    /** Starts the warm-up once per JVM; returns immediately. */
    public static void startOnce() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(CryptoWarmup::run, "storage-crypto-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    static void run() {
        try {
            Cipher cipher = SegmentFormat.newCipher();
            SecretKey key = SegmentFormat.aesKey(SegmentFormat.randomBytes(32));
            byte[] prefix = SegmentFormat.randomBytes(SegmentFormat.PREFIX);
            byte[] digest = SegmentFormat.randomBytes(32);
            byte[] plain = new byte[2048];
            byte[] sealed = new byte[plain.length + SegmentFormat.TAG];
            byte[] opened = new byte[sealed.length];
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < 20_000; i++) {
                int n = SegmentFormat.seal(cipher, key, prefix, digest, i, SegmentFormat.FLAG_MORE, plain, plain.length,
                        sealed);
                SegmentFormat.open(cipher, key, prefix, digest, i, SegmentFormat.FLAG_MORE, sealed, n, opened);
                sha.update(plain);
            }
        } catch (Exception | LinkageError e) {
            // Warm-up is an optimisation only; the real paths report their own failures.
        }
    }
}
