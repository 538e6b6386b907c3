package org.patientvault.vault.objects;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs an object deletion after the current database transaction commits, and never when it rolls back; outside a
 * transaction, at once. Used for the deletions of HAPI's expunge, which it requests before its own DELETEs commit:
 * deleting the bytes first would leave a committed reference without its object whenever the expunge rolled back.
 *
 * <p>A deletion that fails after the commit (S3 down, process killed) is logged and leaves an unreferenced object,
 * which {@link BinaryReconciliation} deletes once it is older than the grace period. Cost: one synchronization per
 * deleted blob, run on the committing thread.
 */
final class AfterCommit implements Consumer<Runnable> {

    private static final Logger LOG = LoggerFactory.getLogger(AfterCommit.class);

    @Override
    public void accept(Runnable deletion) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            deletion.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                try {
                    deletion.run();
                } catch (RuntimeException e) {
                    // The commit stands; the orphan is the reconciler's.
                    LOG.warn("An expunged blob could not be deleted after the commit ({}); the object reconciler"
                            + " will remove it", e.getClass().getSimpleName());
                }
            }
        });
    }
}
