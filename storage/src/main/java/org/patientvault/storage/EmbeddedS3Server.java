package org.patientvault.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default S3 server (DESIGN §3): S3Proxy in this JVM, bound to loopback only, storing objects as files
 * under a directory (filesystem-nio2), requiring AWS v2/v4 signatures with the given credentials. Starts in about
 * a second. Its own loggers (S3Proxy, shaded Jetty) are set to WARN when logback is the backend, since they log
 * every request at DEBUG otherwise.
 *
 * <p>Use: {@code try (var s3 = new EmbeddedS3Server(dir, access, secret, 0).start()) { s3.endpoint() ... }}.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);

    private final Path directory;
    private final String accessKey;
    private final String secretKey;
    private final int requestedPort;
    private S3Proxy proxy;

    /**
     * @param directory where buckets live (created if absent), e.g. {@code $VAULT_DATA_DIR/objects}
     * @param port      loopback port, or 0 for a free one
     */
    public EmbeddedS3Server(Path directory, String accessKey, String secretKey, int port) {
        if (directory == null) {
            throw new StorageConfigException("Embedded S3 directory is missing");
        }
        if (accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            throw new StorageConfigException("Embedded S3 needs an access key and a secret key");
        }
        if (port < 0 || port > 65535) {
            throw new StorageConfigException("Embedded S3 port must be 0..65535, got " + port);
        }
        this.directory = directory;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.requestedPort = port;
    }

    /** Starts the server; returns this. */
    public synchronized EmbeddedS3Server start() {
        if (proxy != null) {
            return this;
        }
        quietenLoggers();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StorageConfigException("Cannot create embedded S3 directory " + directory + ": "
                    + e.getMessage());
        }
        int purged = purgeDeadUploads(directory);
        if (purged > 0) {
            LOG.info("Embedded S3: removed {} leftovers of multipart uploads from a previous run", purged);
        }
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", directory.toAbsolutePath().toString());
        props.setProperty("jclouds.identity", accessKey);
        props.setProperty("jclouds.credential", secretKey);
        BlobStore blobStore = BlobStores.create("filesystem-nio2", props);
        S3Proxy candidate = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + requestedPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            candidate.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!"STARTED".equals(candidate.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new StorageUnavailableException("Embedded S3 did not start within 10 s", null);
                }
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageUnavailableException("Interrupted while starting embedded S3", e);
        } catch (StorageException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageUnavailableException("Embedded S3 failed to start on port " + requestedPort + ": "
                    + e.getMessage(), e);
        }
        proxy = candidate;
        LOG.info("Embedded S3 server listening on {}", endpoint());
        return this;
    }

    /**
     * Deletes what S3Proxy's filesystem store keeps of multipart uploads ({@code .mpus-*} part directories and
     * {@code .s3proxy-mpu-stub-*} files, including half-written temporaries) in every bucket directory. Safe only
     * while the server is not running: the embedded server serves this process alone (fresh credentials per start),
     * so no upload survives a stop or a crash. Why: a SIGKILL can stop S3Proxy itself half-way through writing an
     * upload's stub, which then no S3 call lists or aborts, so the reconciler could never remove it.
     *
     * @return entries removed (files and directories)
     */
    static int purgeDeadUploads(Path directory) {
        int[] removed = {0};
        try (java.util.stream.Stream<Path> buckets = Files.list(directory)) {
            for (Path bucket : buckets.filter(Files::isDirectory).toList()) {
                try (java.util.stream.Stream<Path> entries = Files.list(bucket)) {
                    for (Path entry : entries.toList()) {
                        String name = entry.getFileName().toString();
                        if (name.startsWith(".mpus-") || name.startsWith(".s3proxy-mpu-stub-")) {
                            deleteRecursively(entry, removed);
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Embedded S3: could not clear multipart leftovers under {}: {}", directory, e.getMessage());
        }
        return removed[0];
    }

    private static void deleteRecursively(Path path, int[] removed) throws IOException {
        if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (java.util.stream.Stream<Path> children = Files.list(path)) {
                for (Path child : children.toList()) {
                    deleteRecursively(child, removed);
                }
            }
        }
        if (Files.deleteIfExists(path)) {
            removed[0]++;
        }
    }

    /** {@code http://127.0.0.1:<port>}; only valid once started. */
    public synchronized URI endpoint() {
        if (proxy == null) {
            throw new IllegalStateException("Embedded S3 server is not started");
        }
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Stops the server; the files stay. */
    @Override
    public synchronized void close() {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            LOG.warn("Embedded S3 server did not stop cleanly: {}", e.getClass().getSimpleName());
        } finally {
            proxy = null;
        }
    }

    private static void quietenLoggers() {
        try {
            Class.forName("ch.qos.logback.classic.Logger");
        } catch (ClassNotFoundException e) {
            return; // another backend: its own configuration applies
        }
        LogbackLevels.warn("org.gaul", "org.eclipse.jetty", "org.jclouds");
    }

    /** Kept apart so the logback classes are only loaded when present. */
    private static final class LogbackLevels {
        static void warn(String... names) {
            for (String name : names) {
                if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l && l.getLevel() == null) {
                    l.setLevel(ch.qos.logback.classic.Level.WARN);
                }
            }
        }
    }
}
