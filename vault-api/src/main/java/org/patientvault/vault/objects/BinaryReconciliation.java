package org.patientvault.vault.objects;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.patientvault.storage.ObjectStore;
import org.patientvault.storage.OrphanReconciler;
import org.patientvault.storage.ReconcileReport;
import org.patientvault.storage.VaultBinaryStorageSvc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link OrphanReconciler} over {@code binary/} (and every {@link ReconciledPrefix} bean's prefix) every {@code vault.s3.reconcile-interval} (first pass one
 * interval after start), deleting blobs no resource version references once they are older than
 * {@code vault.s3.orphan-grace}. One replica at a time: each pass holds a PostgreSQL session advisory lock and
 * replicas that do not get it skip the pass.
 */
public final class BinaryReconciliation implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BinaryReconciliation.class);
    /** Advisory lock key: "pvrecon" folded into a bigint; any constant unique to this job will do. */
    private static final long LOCK_KEY = 0x7076_7265_636f_6eL;

    private final ObjectStore objects;
    private final BinaryReferences references;
    private final DataSource dataSource;
    private final Duration grace;
    private final ScheduledExecutorService scheduler;
    private final java.util.function.Supplier<java.util.List<ReconciledPrefix>> others;

    BinaryReconciliation(ObjectStore objects, DataSource dataSource, Duration interval, Duration grace) {
        this(objects, dataSource, interval, grace, java.util.List::of);
    }

    /** With further prefixes to sweep in the same pass (resolved at each pass, so beans may come late). */
    BinaryReconciliation(ObjectStore objects, DataSource dataSource, Duration interval, Duration grace,
                         java.util.function.Supplier<java.util.List<ReconciledPrefix>> others) {
        this.others = others;
        this.objects = objects;
        this.references = new BinaryReferences(dataSource);
        this.dataSource = dataSource;
        this.grace = grace;
        // Fails start-up on a bad grace period rather than at the first pass.
        new OrphanReconciler(objects, VaultBinaryStorageSvc.OBJECT_PREFIX, id -> true, grace);
        if (interval.isZero() || interval.isNegative()) {
            this.scheduler = null;
            return;
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "object-reconciler");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::scheduledPass, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** One pass now, unless another replica holds the lock (then empty). */
    public Optional<ReconcileReport> runOnce() {
        try (Connection lock = dataSource.getConnection()) {
            if (!advisory(lock, "SELECT pg_try_advisory_lock(?)")) {
                LOG.info("Object reconciliation skipped: another replica is running it");
                return Optional.empty();
            }
            try {
                ReconcileReport binaries = new OrphanReconciler(objects, VaultBinaryStorageSvc.OBJECT_PREFIX,
                        new LazySnapshot(references), grace).reconcile();
                for (ReconciledPrefix other : others.get()) {
                    new OrphanReconciler(objects, other.prefix(), other.references(), grace).reconcile();
                }
                return Optional.of(binaries);
            } finally {
                advisory(lock, "SELECT pg_advisory_unlock(?)");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Object reconciliation could not take its database lock: "
                    + e.getMessage(), e);
        }
    }

    private void scheduledPass() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            // The next pass retries; nothing was deleted on an unchecked reference.
            LOG.warn("Object reconciliation failed: {}", e.getMessage());
        }
    }

    private static boolean advisory(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, LOCK_KEY);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** Loads the references at the first question, i.e. after the pass (and its grace cutoff) began. */
    private static final class LazySnapshot implements java.util.function.Predicate<String> {
        private final BinaryReferences references;
        private Set<String> ids;

        LazySnapshot(BinaryReferences references) {
            this.references = references;
        }

        @Override
        public boolean test(String id) {
            if (ids == null) {
                ids = references.snapshot();
            }
            return ids.contains(id);
        }
    }
}
