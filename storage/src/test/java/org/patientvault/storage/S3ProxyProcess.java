package org.patientvault.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy as a real separate JVM on loopback (its jar-with-dependencies, copied into target/ by the build), with a
 * filesystem-nio2 store under target/. Integration tests talk to it over HTTP through the MinIO SDK.
 */
final class S3ProxyProcess implements AutoCloseable {

    static final String ACCESS = "it-access";
    static final String SECRET = "it-secret-key-123";

    final Path dataDir;
    final int port;
    private final Process process;

    private S3ProxyProcess(Path dataDir, int port, Process process) {
        this.dataDir = dataDir;
        this.port = port;
        this.process = process;
    }

    static S3ProxyProcess start() {
        String jar = System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar");
        Path work = Path.of(System.getProperty("s3proxy.workdir", "target/s3proxy-it")).toAbsolutePath()
                .resolve(UUID.randomUUID().toString().substring(0, 8));
        try {
            if (!Files.isRegularFile(Path.of(jar))) {
                throw new IllegalStateException("S3Proxy jar not found at " + jar + " (run through mvn verify)");
            }
            Path data = Files.createDirectories(work.resolve("data"));
            int port = freePort();
            Path props = work.resolve("s3proxy.properties");
            Files.writeString(props, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS,
                    "s3proxy.credential=" + SECRET,
                    "jclouds.provider=filesystem-nio2",
                    "jclouds.identity=" + ACCESS,
                    "jclouds.credential=" + SECRET,
                    "jclouds.filesystem.basedir=" + data) + "\n");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar, "--properties", props.toString()))
                    .redirectErrorStream(true).redirectOutput(work.resolve("s3proxy.log").toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!listening(port)) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("S3Proxy exited with " + p.exitValue() + "; see "
                            + work.resolve("s3proxy.log"));
                }
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IllegalStateException("S3Proxy did not listen on " + port + " within 30 s");
                }
                Thread.sleep(50);
            }
            return new S3ProxyProcess(data, port, p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    S3Settings settings(String bucket) {
        return S3Settings.of(endpoint(), ACCESS, SECRET, bucket);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
