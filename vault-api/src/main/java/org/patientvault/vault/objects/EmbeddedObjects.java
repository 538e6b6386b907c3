package org.patientvault.vault.objects;

import java.net.URI;
import java.nio.file.Path;
import org.patientvault.storage.EmbeddedS3Server;

/**
 * The embedded S3 server's lifecycle (DESIGN §3), or {@link #NONE} when an external endpoint is configured. Keeps its
 * port across {@link #stop()} / {@link #restart()} so an outage can be simulated and ended in tests.
 */
final class EmbeddedObjects implements AutoCloseable {

    static final EmbeddedObjects NONE = new EmbeddedObjects(null, null, null);

    private final Path directory;
    private final String accessKey;
    private final String secretKey;
    private EmbeddedS3Server server;
    private int port;

    EmbeddedObjects(Path directory, String accessKey, String secretKey) {
        this.directory = directory;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    synchronized EmbeddedObjects start() {
        server = new EmbeddedS3Server(directory, accessKey, secretKey, port).start();
        port = server.endpoint().getPort();
        return this;
    }

    boolean embedded() {
        return directory != null;
    }

    synchronized URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    Path directory() {
        return directory;
    }

    String accessKey() {
        return accessKey;
    }

    String secretKey() {
        return secretKey;
    }

    /** Stops serving (the files stay); for outage tests. */
    synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Serves again on the same port. */
    synchronized void restart() {
        if (server == null && directory != null) {
            start();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
