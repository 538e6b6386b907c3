package org.patientvault.vault.objects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patientvault.storage.testing.PatternStream;
import org.patientvault.vault.FreshDatabase;
import org.patientvault.vault.devissuer.DevIssuerLogin;

/**
 * The vault as its own process (the built jar; the machine's PostgreSQL, the embedded S3Proxy inside the process) is
 * killed with SIGKILL while it writes a large Binary to the object store (the embedded S3 server dies with it, as it
 * would in embedded mode). After a restart and one reconciler pass (the admin route) no orphan remains (no object
 * without a committed reference, no file of an incomplete multipart upload) and no committed reference lacks its
 * object; a Binary committed before the crash reads back intact.
 *
 * <p>The reference oracle is this test's own query over {@code HFJ_RES_VER}, and the object oracle the S3Proxy files
 * on disk, so neither relies on the reconciler's own view. Runtime: two starts of the jar plus the one-minute grace.
 */
class KilledUploadIT {

    private static final Pattern BLOB_ID = Pattern.compile(
            "externalized-binary-id\"\\s*,\\s*\"valueString\"\\s*:\\s*\"([A-Za-z0-9._-]+)\"");
    private static final Duration GRACE = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String database = FreshDatabase.create();

    @Test
    void killedMidUploadLeavesNoOrphanAndNoDanglingReferenceAfterOnePass() throws Exception {
        Path bucket = dataDir.resolve("objects").resolve("vault");
        String patient;
        String kept;
        byte[] keptBytes = pattern(300_000, 7);
        long killedAt;
        Vault first = Vault.start(dataDir, database);
        try {
            String hospital = DevIssuerLogin.clientCredentialsToken(first.base(), "hosp-beijing",
                    "hosp-beijing-secret");
            patient = create(first, hospital, "Patient",
                    "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:test:mrn\",\"value\":\"kill-"
                            + System.nanoTime() + "\"}]}", "application/fhir+json", null);
            kept = create(first, hospital, "Binary", keptBytes, "application/pdf", "Patient/" + patient);

            // 48 MiB in 5 MiB parts: the object store upload runs for a while after the body arrived.
            long size = 48L * 1024 * 1024;
            long sentAt = System.currentTimeMillis();
            var upload = http.sendAsync(HttpRequest.newBuilder(URI.create(first.base() + "/fhir/Binary"))
                    .header("Authorization", "Bearer " + hospital).header("Content-Type", "application/pdf")
                    .header("X-Security-Context", "Patient/" + patient)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (multipartFiles(bucket, sentAt).isEmpty()) {
                assertThat(upload.isDone()).as("the upload is still in progress: " + (upload.isDone()
                        ? upload.handle((r, e) -> r == null ? String.valueOf(e) : r.statusCode() + " " + r.body())
                        .join() : "")).isFalse();
                assertThat(System.nanoTime()).as("the multipart upload started within 3 minutes").isLessThan(deadline);
                Thread.sleep(20);
            }
        } finally {
            first.kill();
        }
        killedAt = System.currentTimeMillis();
        assertThat(multipartFiles(bucket, 0)).as("the crash left an incomplete multipart upload").isNotEmpty();

        Vault second = Vault.start(dataDir, database);
        try {
            // Everything the crash left is older than the grace period before the pass runs.
            long wait = killedAt + GRACE.toMillis() + 5_000 - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            String admin = DevIssuerLogin.userToken(second.base(), "vault-admin", "vault-admin-demo");
            HttpResponse<String> pass = http.send(HttpRequest.newBuilder(
                            URI.create(second.base() + "/api/admin/objects/reconcile"))
                    .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(pass.statusCode()).as(pass.body()).isEqualTo(200);
            JsonNode report = JSON.readTree(pass.body());
            // The embedded S3 server cleared the dead upload's files when it started (it serves this process
            // alone); with an external S3 server the pass aborts it instead (storage module's ObjectStoreIT).
            assertThat(report.path("failed").asLong()).as(pass.body()).isZero();
            assertThat(report.path("scanned").asLong()).as(pass.body()).isGreaterThanOrEqualTo(1);

            assertThat(multipartFiles(bucket, 0)).as("no incomplete upload is left").isEmpty();
            Set<String> objects = blobObjects(bucket);
            Set<String> referenced = committedReferences();
            assertThat(referenced).as("the Binary committed before the crash").isNotEmpty();
            assertThat(objects).as("no orphan and no dangling reference").isEqualTo(referenced);

            String hospital = DevIssuerLogin.clientCredentialsToken(second.base(), "hosp-beijing",
                    "hosp-beijing-secret");
            HttpResponse<byte[]> read = http.send(HttpRequest.newBuilder(
                            URI.create(second.base() + "/fhir/Binary/" + kept))
                    .header("Authorization", "Bearer " + hospital).header("Accept", "application/pdf").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).isEqualTo(keptBytes);

            // Only an administrator may trigger a pass.
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(
                            URI.create(second.base() + "/api/admin/objects/reconcile"))
                    .header("Authorization", "Bearer " + hospital).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        } finally {
            second.stop();
        }
    }

    private String create(Vault vault, String token, String type, Object body, String contentType,
                          String securityContext) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(vault.base() + "/fhir/" + type))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .POST(body instanceof byte[] bytes ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                        : HttpRequest.BodyPublishers.ofString((String) body));
        if (securityContext != null) {
            b.header("X-Security-Context", securityContext);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String location = r.headers().firstValue("Location").orElseThrow();
        return location.replaceAll(".*/" + type + "/([^/]+).*", "$1");
    }

    /** Parts and stubs of incomplete multipart uploads in S3Proxy's filesystem store (modified after a time). */
    private static List<Path> multipartFiles(Path bucket, long modifiedAfter) throws IOException {
        if (!Files.isDirectory(bucket)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> bucket.relativize(p).toString().startsWith(".mpus-")
                            || p.getFileName().toString().startsWith(".s3proxy-mpu-stub-"))
                    .filter(p -> p.toFile().lastModified() >= modifiedAfter - 1000)
                    .toList();
        }
    }

    /** Blob ids that have an object under {@code binary/}. */
    private static Set<String> blobObjects(Path bucket) throws IOException {
        Path dir = bucket.resolve("binary");
        Set<String> ids = new TreeSet<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(Files::isRegularFile).forEach(p -> ids.add(p.getFileName().toString()));
            }
        }
        return ids;
    }

    /** Blob ids named by any committed resource version. */
    private Set<String> committedReferences() throws Exception {
        Set<String> ids = new TreeSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + database, "postgres",
                "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT res_text_vc FROM hfj_res_ver"
                     + " WHERE res_text_vc LIKE '%externalized-binary-id%'")) {
            while (rs.next()) {
                Matcher m = BLOB_ID.matcher(rs.getString(1));
                while (m.find()) {
                    ids.add(m.group(1));
                }
            }
        }
        return ids;
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed >>> 2);
        }
        return b;
    }

    /** The vault jar in its own JVM. */
    record Vault(Process process, int port, Path log) {

        static Vault start(Path dataDir, String database) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path jar = Path.of("target", "vault-api.jar").toAbsolutePath();
            assertThat(jar).as("the packaged jar (built in the package phase)").exists();
            Path log = Path.of("target", "killed-upload-" + port + ".log").toAbsolutePath();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx768m", "-jar", jar.toString(),
                    "--server.port=" + port,
                    "--vault.data-dir=" + dataDir,
                    "--vault.db.url=jdbc:postgresql://127.0.0.1:5432/" + database,
                    "--vault.db.username=postgres", "--vault.db.password=",
                    "--vault.s3.part-size=5MB", "--vault.s3.max-object-size=1GB",
                    "--vault.s3.orphan-grace=" + GRACE.toMinutes() + "m",
                    "--vault.s3.reconcile-interval=0", "--vault.fhir.validate-requests=false")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Vault v = new Vault(p, port, log);
            v.awaitReady();
            return v;
        }

        String base() {
            return "http://127.0.0.1:" + port;
        }

        private void awaitReady() throws Exception {
            HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
            while (true) {
                assertThat(process.isAlive()).as("vault process running; see " + log).isTrue();
                assertThat(System.nanoTime()).as("vault started within 6 minutes; see " + log).isLessThan(deadline);
                try {
                    if (c.send(HttpRequest.newBuilder(URI.create(base() + "/fhir/metadata")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(500);
            }
        }

        /** SIGKILL: no shutdown hook, no abort of the upload, no rollback message to the database. */
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
