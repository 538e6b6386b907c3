package org.patientvault.storage;

import java.time.Duration;
import org.patientvault.storage.testing.PatternStream;

/** Child-process entry for {@link ObjectStoreIT}: uploads an endless stream until it is killed with SIGKILL. */
public final class KilledUploader {

    private KilledUploader() {}

    public static void main(String[] args) {
        S3Settings settings = S3Settings.of(args[0], S3ProxyProcess.ACCESS, S3ProxyProcess.SECRET, args[1])
                .withPartSize(5L * 1024 * 1024);
        try (MinioObjectStore raw = new MinioObjectStore(settings)) {
            EncryptedObjectStore store = new EncryptedObjectStore(raw, new byte[32], 64 * 1024, 40L << 30,
                    Duration.ZERO);
            store.put("pat-k", args[2], new PatternStream(Long.MAX_VALUE / 2), -1, null);
        }
        System.exit(3); // never reached while the stream is endless
    }
}
