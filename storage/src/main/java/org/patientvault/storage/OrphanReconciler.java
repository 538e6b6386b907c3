package org.patientvault.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes stored objects that no committed database row references, once they are older than a grace period.
 *
 * <p>Why this is enough for "no orphan, no dangling reference": every writer completes the object (single PUT
 * or multipart complete) <em>before</em> the transaction that references it commits. A crash before the commit
 * leaves an object without a reference, which this pass removes once it is older than the grace period; a crash
 * after the commit leaves both. The grace period must exceed the longest time between an object's completion and
 * its reference's commit (the longest ingest transaction), or a pass could delete an object whose reference is
 * about to commit. Run it on one replica at a time (e.g. under a DB advisory lock).
 *
 * <p>Cost: one LIST request per 1000 objects, one {@code isReferenced} call per object older than the grace period,
 * one DELETE per orphan, then one LIST of incomplete multipart uploads (a process killed mid-upload leaves one;
 * it holds disk but no visible object) and an abort for each older than the grace period. Memory is constant.
 */
public final class OrphanReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanReconciler.class);

    private final ObjectStore store;
    private final String prefix;
    private final Predicate<String> isReferenced;
    private final Duration gracePeriod;
    private final Clock clock;

    /**
     * @param store        the raw store ({@link EncryptedObjectStore#objects()})
     * @param prefix       key prefix to sweep, e.g. {@link VaultBinaryStorageSvc#OBJECT_PREFIX}; never {@code keys/}
     * @param isReferenced given the key with the prefix removed (for HAPI blobs: the binary content id), whether a
     *                     committed row references it
     * @param gracePeriod  minimum age before an unreferenced object is deleted (at least 1 minute)
     */
    public OrphanReconciler(ObjectStore store, String prefix, Predicate<String> isReferenced, Duration gracePeriod) {
        this(store, prefix, isReferenced, gracePeriod, Clock.systemUTC(), Duration.ofMinutes(1));
    }

    /** For tests: a clock and a lower floor for the grace period. */
    OrphanReconciler(ObjectStore store, String prefix, Predicate<String> isReferenced, Duration gracePeriod,
            Clock clock, Duration minimumGrace) {
        if (store == null || isReferenced == null || clock == null) {
            throw new StorageConfigException("Reconciler needs a store, a reference check and a clock");
        }
        if (prefix == null || prefix.isEmpty() || !prefix.endsWith("/") || prefix.startsWith("keys/")) {
            throw new StorageConfigException("Reconciler prefix must be a non-empty 'folder/' other than keys/, got '"
                    + prefix + "'");
        }
        if (gracePeriod == null || gracePeriod.compareTo(minimumGrace) < 0) {
            throw new StorageConfigException("Reconciler grace period must be at least " + minimumGrace + ", got "
                    + gracePeriod);
        }
        this.store = store;
        this.prefix = prefix;
        this.isReferenced = isReferenced;
        this.gracePeriod = gracePeriod;
        this.clock = clock;
    }

    /** One pass over the prefix. */
    public ReconcileReport reconcile() {
        Instant started = clock.instant();
        Instant cutoff = started.minus(gracePeriod);
        long scanned = 0;
        long deleted = 0;
        long referenced = 0;
        long young = 0;
        long failed = 0;
        try (Stream<ObjectInfo> objects = store.list(prefix)) {
            for (Iterator<ObjectInfo> it = objects.iterator(); it.hasNext(); ) {
                ObjectInfo o = it.next();
                scanned++;
                if (o.lastModified() == null || o.lastModified().isAfter(cutoff)) {
                    young++;
                    continue;
                }
                String id = o.key().substring(prefix.length());
                if (isReferenced.test(id)) {
                    referenced++;
                    continue;
                }
                try {
                    store.delete(o.key());
                    deleted++;
                } catch (StorageException e) {
                    failed++;
                    LOG.warn("Could not delete an orphaned object ({}); will retry next pass",
                            e.getClass().getSimpleName());
                }
            }
        }
        long aborted = store.abortIncompleteUploads(prefix, cutoff);
        ReconcileReport report = new ReconcileReport(scanned, deleted, referenced, young, failed, aborted,
                Duration.between(started, clock.instant()));
        LOG.info("Reconciled {}: scanned {}, deleted {}, referenced {}, young {}, failed {}, aborted uploads {}",
                prefix, scanned, deleted, referenced, young, failed, aborted);
        return report;
    }
}
