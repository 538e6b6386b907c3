package org.patientvault.storage;

import java.time.Duration;

/**
 * Outcome of one {@link OrphanReconciler#reconcile()} pass.
 *
 * @param scanned    objects listed under the prefix
 * @param deleted    orphans deleted (older than the grace period, no committed reference)
 * @param referenced objects kept because a committed reference exists
 * @param young      objects kept because they are younger than the grace period (their reference may not have
 *                   committed yet)
 * @param failed     orphans whose deletion failed (retried on the next pass)
 * @param abortedUploads incomplete multipart uploads older than the grace period that were aborted (left by a
 *                   process killed mid-upload)
 * @param took       wall time of the pass
 */
public record ReconcileReport(long scanned, long deleted, long referenced, long young, long failed, long abortedUploads,
        Duration took) {

    /** Objects kept, for whatever reason. */
    public long kept() {
        return referenced + young;
    }
}
