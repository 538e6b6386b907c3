package org.patientvault.mobile.export;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.patientvault.mobile.port.CallerContexts;
import org.patientvault.mobile.port.CallerImages;
import org.patientvault.mobile.port.CallerRecords;
import org.patientvault.mobile.support.Texts;
import org.patientvault.mobile.timeline.RecordViews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The export jobs of this process: started on the request thread (capturing the caller), written on a small pool as
 * that caller, kept on disk until their link expires. Jobs live in memory: a restart forgets them (and
 * deletes their files at the next start), and with several vault instances a status request must reach the instance
 * that runs the job.
 */
@Service
class ExportJobs {

    private static final Logger log = LoggerFactory.getLogger(ExportJobs.class);

    /** One job. Progress fields are written by the worker and read by status requests. */
    static final class Job {
        final String id = UUID.randomUUID().toString();
        final String owner;
        final Instant createdAt = Instant.now();
        final AtomicLong done = new AtomicLong();
        final AtomicLong total = new AtomicLong(1);
        volatile String status = "queued";
        volatile Instant finishedAt;
        volatile Instant expiresAt;
        volatile long bytes;
        volatile String error;

        Job(String owner) {
            this.owner = owner;
        }
    }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final CallerContexts contexts;
    private final ExportWriter writer;
    private final ExportProperties props;
    private final ExecutorService pool;

    ExportJobs(CallerContexts contexts, CallerRecords records, CallerImages images, RecordViews views, Texts texts,
               ExportProperties props) throws IOException {
        this.contexts = contexts;
        this.props = props;
        this.writer = new ExportWriter(records, images, views, texts, props);
        Files.createDirectories(props.dir());
        // Files of a previous run belong to jobs nobody can name any more.
        try (Stream<Path> old = Files.list(props.dir())) {
            old.filter(p -> p.getFileName().toString().startsWith("export-")).forEach(ExportJobs::deleteTree);
        }
        if (!Files.isReadable(props.font())) {
            log.warn("{}; exports will be refused until it is there", SummaryPdf.missingFont(props.font()));
        }
        this.pool = Executors.newFixedThreadPool(props.threads(), r -> {
            Thread t = new Thread(r, "mobile-export");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether the PDF font is there (checked per export: it may be installed while the vault runs). */
    boolean fontReady() {
        return Files.isReadable(props.font());
    }

    ExportProperties properties() {
        return props;
    }

    /**
     * Starts an export of {@code patientId}'s record as the current caller; while one of theirs is queued or running,
     * that one is answered instead (a patient's repeated taps must not fill the disk).
     */
    synchronized Job start(String patientId) {
        for (Job running : jobs.values()) {
            if (running.owner.equals(patientId) && (running.status.equals("queued")
                    || running.status.equals("running"))) {
                return running;
            }
        }
        Job job = new Job(patientId);
        jobs.put(job.id, job);
        CallerContexts.Captured caller = contexts.capture();
        pool.execute(() -> caller.run(() -> run(job)));
        return job;
    }

    /** The caller's job; empty for an unknown id and for another patient's (the same answer). */
    Optional<Job> find(String id, String patientId) {
        expire();
        Job job = id == null ? null : jobs.get(id);
        return job != null && job.owner.equals(patientId) ? Optional.of(job) : Optional.empty();
    }

    Path zip(Job job) {
        return props.dir().resolve("export-" + job.id + ".zip");
    }

    private void run(Job job) {
        job.status = "running";
        Path work = props.dir().resolve("export-" + job.id + ".parts");
        Path part = props.dir().resolve("export-" + job.id + ".zip.part");
        try {
            writer.write(job.owner, work, part, new ExportWriter.Progress() {
                @Override
                public void total(long items) {
                    job.total.set(Math.max(items, 1));
                }

                @Override
                public void done(long items) {
                    job.done.set(items);
                }
            });
            Files.move(part, zip(job));
            job.bytes = Files.size(zip(job));
            job.finishedAt = Instant.now();
            job.expiresAt = job.finishedAt.plus(props.linkTtl());
            job.status = "done";
        } catch (Exception e) {
            // The message may quote the record service; the client gets fixed text, the log the cause.
            log.warn("export {} failed", job.id, e);
            job.error = e instanceof IOException && e.getMessage() != null && e.getMessage().contains("font")
                    ? "The PDF summary could not be written: its font is missing or unreadable"
                    : "The export failed; please try again";
            job.finishedAt = Instant.now();
            job.expiresAt = job.finishedAt.plus(props.linkTtl());
            job.status = "failed";
            deleteTree(part);
        } finally {
            deleteTree(work);
        }
    }

    /** Deletes the files of expired jobs; the job stays listed as expired until its link time has passed twice. */
    private void expire() {
        Instant now = Instant.now();
        jobs.values().forEach(job -> {
            if (job.expiresAt != null && now.isAfter(job.expiresAt) && !"expired".equals(job.status)) {
                job.status = "expired";
                deleteTree(zip(job));
            }
            if (job.expiresAt != null && now.isAfter(job.expiresAt.plus(props.linkTtl()))) {
                jobs.remove(job.id);
            }
        });
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}", p, e);
        }
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
