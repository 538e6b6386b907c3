package org.patientvault.mobile.export;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.patientvault.mobile.port.CallerContexts;
import org.patientvault.mobile.port.CallerImages;
import org.patientvault.mobile.port.CallerRecords;
import org.patientvault.mobile.port.ExportJobStore;
import org.patientvault.mobile.support.Texts;
import org.patientvault.mobile.timeline.RecordViews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * The export jobs: started on the request thread (capturing the caller), written on a small pool of this process as
 * that caller, kept on disk until their link expires. Their state (status, progress, link expiry) is in the
 * {@link ExportJobStore} (PostgreSQL in the vault), so it outlives a restart and every instance answers alike; the
 * zip is a file in {@code vault.mobile.export.dir} of the instance that wrote it. A job whose worker stopped
 * (a restart) is failed once its heartbeat is {@link #STALE} old.
 */
@Service
class ExportJobs {

    private static final Logger log = LoggerFactory.getLogger(ExportJobs.class);

    /** A running job whose worker has not said anything for this long is taken for dead. */
    static final Duration STALE = Duration.ofMinutes(2);
    private static final Duration HEARTBEAT = Duration.ofSeconds(20);
    private static final Duration FLUSH = Duration.ofSeconds(1);
    private static final Duration SWEEP = Duration.ofSeconds(10);
    static final String INTERRUPTED = "The export was interrupted (the server restarted); please start a new one";

    /** Progress of a job this process runs: read by status requests, written to the store at most once a second. */
    private static final class Local {
        final AtomicLong done = new AtomicLong();
        final AtomicLong total = new AtomicLong(1);
        volatile String status = "queued";
        volatile long flushedAt;
    }

    private final String worker = UUID.randomUUID().toString();
    private final Map<String, Local> local = new ConcurrentHashMap<>();
    private final ExportJobStore store;
    private final CallerContexts contexts;
    private final ExportWriter writer;
    private final ExportProperties props;
    private final ExecutorService pool;
    private final ScheduledExecutorService heartbeat;
    private volatile Instant lastSweep = Instant.EPOCH;

    ExportJobs(ExportJobStore store, CallerContexts contexts, CallerRecords records, CallerImages images,
               RecordViews views, Texts texts, ExportProperties props) throws IOException {
        this.store = store;
        this.contexts = contexts;
        this.props = props;
        this.writer = new ExportWriter(records, images, views, texts, props);
        Files.createDirectories(props.dir());
        cleanDirectory();
        if (!Files.isReadable(props.font())) {
            log.warn("{}; exports will be refused until it is there", SummaryPdf.missingFont(props.font()));
        }
        this.pool = Executors.newFixedThreadPool(props.threads(), r -> {
            Thread t = new Thread(r, "mobile-export");
            t.setDaemon(true);
            return t;
        });
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mobile-export-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Whether the PDF font is there (checked per export: it may be installed while the vault runs). */
    boolean fontReady() {
        return Files.isReadable(props.font());
    }

    ExportProperties properties() {
        return props;
    }

    /**
     * Starts an export of {@code patientId}'s record as the current caller; while one of theirs is queued or running
     * (on any instance), that one is answered instead (a patient's repeated taps must not fill the disk).
     */
    ExportJobStore.Job start(String patientId) {
        Instant now = Instant.now();
        ExportJobStore.Job fresh = new ExportJobStore.Job(UUID.randomUUID().toString(), patientId, now, "queued", 0,
                1, null, null, 0, null, worker, now);
        // Captured before the job is stored: outside a request this throws and nothing is left behind.
        CallerContexts.Captured caller = contexts.capture();
        ExportJobStore.Job job = store.startUnlessRunning(fresh, now.minus(STALE), INTERRUPTED);
        if (!job.id().equals(fresh.id())) {
            return view(job);
        }
        local.put(job.id(), new Local());
        pool.execute(() -> caller.run(() -> run(job)));
        return job;
    }

    /** The caller's job (with this process's freshest progress); empty for an unknown id and another patient's. */
    Optional<ExportJobStore.Job> find(String id, String patientId) {
        sweep();
        return (id == null || id.length() > 64 ? Optional.<ExportJobStore.Job>empty() : store.find(id))
                .filter(j -> j.owner().equals(patientId)).map(this::view);
    }

    Path zip(String id) {
        return props.dir().resolve("export-" + id + ".zip");
    }

    /** The stored job, with the progress of this process when it runs the job. */
    private ExportJobStore.Job view(ExportJobStore.Job j) {
        Local l = local.get(j.id());
        if (l == null || !j.status().matches("queued|running")) {
            return j;
        }
        return new ExportJobStore.Job(j.id(), j.owner(), j.createdAt(), l.status, l.done.get(), l.total.get(),
                j.finishedAt(), j.expiresAt(), j.bytes(), j.error(), j.worker(), j.heartbeat());
    }

    private void run(ExportJobStore.Job job) {
        Local l = local.get(job.id());
        l.status = "running";
        store.progress(job.id(), "running", 0, 1, Instant.now());
        Path work = props.dir().resolve("export-" + job.id() + ".parts");
        Path part = props.dir().resolve("export-" + job.id() + ".zip.part");
        try {
            writer.write(job.owner(), work, part, new ExportWriter.Progress() {
                @Override
                public void total(long items) {
                    l.total.set(Math.max(items, 1));
                    flush(job.id(), l);
                }

                @Override
                public void done(long items) {
                    l.done.set(items);
                    flush(job.id(), l);
                }
            });
            Files.move(part, zip(job.id()));
            Instant finished = Instant.now();
            long total = Math.max(l.total.get(), l.done.get());
            store.finish(job.id(), "done", l.done.get(), total, finished, finished.plus(props.linkTtl()),
                    Files.size(zip(job.id())), null);
        } catch (Exception e) {
            // The message may quote the record service; the client gets fixed text, the log the cause.
            log.warn("export {} failed", job.id(), e);
            String error = e instanceof IOException && e.getMessage() != null && e.getMessage().contains("font")
                    ? "The PDF summary could not be written: its font is missing or unreadable"
                    : "The export failed; please try again";
            Instant finished = Instant.now();
            store.finish(job.id(), "failed", l.done.get(), Math.max(l.total.get(), l.done.get()), finished,
                    finished.plus(props.linkTtl()), 0, error);
            deleteTree(part);
        } finally {
            local.remove(job.id());
            deleteTree(work);
        }
    }

    private void flush(String id, Local l) {
        long now = System.currentTimeMillis();
        if (now - l.flushedAt >= FLUSH.toMillis()) {
            l.flushedAt = now;
            store.progress(id, l.status, l.done.get(), l.total.get(), Instant.ofEpochMilli(now));
        }
    }

    /** Tells the store that this process still runs its jobs (a long DICOM copy reports no progress meanwhile). */
    private void beat() {
        try {
            Instant now = Instant.now();
            local.forEach((id, l) -> store.progress(id, l.status, l.done.get(), l.total.get(), now));
        } catch (RuntimeException e) {
            log.warn("export heartbeat failed", e);
        }
    }

    /**
     * At most every {@link #SWEEP}: fails jobs whose worker died, marks finished jobs whose link ran out as expired
     * (deleting their zips here), and forgets jobs that expired a link-time ago.
     */
    private void sweep() {
        Instant now = Instant.now();
        if (now.isBefore(lastSweep.plus(SWEEP))) {
            return;
        }
        lastSweep = now;
        store.failStale(now.minus(STALE), now, INTERRUPTED);
        for (String id : store.expire(now)) {
            deleteTree(zip(id));
        }
        store.purge(now.minus(props.linkTtl()));
    }

    /**
     * At start: zips of finished, unexpired jobs stay downloadable, and so does every file some other process may
     * still be using, since several vaults (or test runs) on one machine may share the default directory: parts
     * written to within {@link #STALE}, zips of jobs this store does not know that are younger than the link time.
     * Everything else named {@code export-*} (parts of a job a restart interrupted, zips of expired or failed jobs)
     * is deleted.
     */
    private void cleanDirectory() throws IOException {
        Instant now = Instant.now();
        try (Stream<Path> old = Files.list(props.dir())) {
            old.filter(p -> p.getFileName().toString().startsWith("export-")).forEach(p -> {
                String name = p.getFileName().toString();
                boolean keep;
                if (name.endsWith(".zip")) {
                    String id = name.substring("export-".length(), name.length() - ".zip".length());
                    Optional<ExportJobStore.Job> job = store.find(id);
                    keep = job.isPresent() ? "done".equals(job.get().status()) && job.get().expiresAt() != null
                            && now.isBefore(job.get().expiresAt())
                            : lastWritten(p).isAfter(now.minus(props.linkTtl()));
                } else {
                    keep = lastWritten(p).isAfter(now.minus(STALE));
                }
                if (!keep) {
                    deleteTree(p);
                }
            });
        }
    }

    /** The newest modification time of a file or of anything in a directory. */
    private static Instant lastWritten(Path p) {
        try (Stream<Path> all = Files.walk(p)) {
            return all.map(f -> {
                try {
                    return Files.getLastModifiedTime(f).toInstant();
                } catch (IOException gone) {
                    return Instant.EPOCH;
                }
            }).max(Instant::compareTo).orElse(Instant.EPOCH);
        } catch (IOException | java.io.UncheckedIOException gone) {
            return Instant.EPOCH;
        }
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
        heartbeat.shutdownNow();
        pool.shutdownNow();
    }
}
