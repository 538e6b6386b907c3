package org.patientvault.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded S3Proxy, in this JVM, driven through the MinIO SDK store. */
class EmbeddedS3ServerTest {

    @TempDir
    Path dir;

    @Test
    void servesTheMinioStoreInProcessAndKeepsFilesAcrossRestarts() throws Exception {
        byte[] data = new byte[300_000];
        new Random(1).nextBytes(data);
        byte[] master = new byte[32];
        try (EmbeddedS3Server s3 = new EmbeddedS3Server(dir, "vault", "vault-secret-123", 0).start();
                MinioObjectStore raw = new MinioObjectStore(S3Settings.of(s3.endpoint().toString(), "vault",
                        "vault-secret-123", "vault"))) {
            assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
            EncryptedObjectStore store = new EncryptedObjectStore(raw, master);
            store.put("p1", "blob/a", new ByteArrayInputStream(data), -1, "image/png");
            try (InputStream in = store.get("blob/a")) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
        }
        assertThat(Files.exists(dir.resolve("vault"))).isTrue();
        try (EmbeddedS3Server s3 = new EmbeddedS3Server(dir, "vault", "vault-secret-123", 0).start();
                MinioObjectStore raw = new MinioObjectStore(S3Settings.of(s3.endpoint().toString(), "vault",
                        "vault-secret-123", "vault"))) {
            try (InputStream in = new EncryptedObjectStore(raw, master).get("blob/a")) {
                assertThat(in.readAllBytes()).isEqualTo(data);
            }
            MinioObjectStore wrongSecret = new MinioObjectStore(S3Settings.of(s3.endpoint().toString(), "vault",
                    "nope-nope", "vault")
                    .withRetries(1, java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> wrongSecret.stat("blob/a"))
                    .isInstanceOf(StorageUnavailableException.class);
            wrongSecret.close();
        }
    }

    @Test
    void aStartClearsMultipartLeftoversOfAPreviousRunAndKeepsObjects() throws Exception {
        // What a SIGKILL of the process left in S3Proxy's filesystem store (names as S3Proxy 4.1.0 writes them).
        Path bucket = Files.createDirectories(dir.resolve("vault"));
        Path parts = Files.createDirectories(bucket.resolve(".mpus-42962088-binary"));
        Files.write(parts.resolve("blobid-stub"), new byte[0]);
        Files.write(parts.resolve("blobid-1"), new byte[100]);
        Files.write(bucket.resolve(".s3proxy-mpu-stub-42962088-c8bbaa56"), new byte[0]);
        Path object = Files.createDirectories(bucket.resolve("binary")).resolve("kept");
        Files.write(object, new byte[] {1, 2, 3});

        try (EmbeddedS3Server s3 = new EmbeddedS3Server(dir, "vault", "vault-secret-123", 0).start()) {
            assertThat(s3.endpoint().getHost()).isEqualTo("127.0.0.1");
        }

        assertThat(parts).doesNotExist();
        assertThat(bucket.resolve(".s3proxy-mpu-stub-42962088-c8bbaa56")).doesNotExist();
        assertThat(object).exists().hasBinaryContent(new byte[] {1, 2, 3});
    }
}
