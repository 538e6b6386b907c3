package org.patientvault.mobile.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the patient API keeps its export jobs, so that a job's status, progress and download link outlive the process
 * that ran it and every instance of the vault answers alike. vault-api implements it on PostgreSQL; the zip files
 * themselves stay in {@code vault.mobile.export.dir}.
 *
 * <p>Cost: one indexed statement per call. Progress is written by the worker at most about once a second.
 */
public interface ExportJobStore {

    /**
     * One job as stored.
     *
     * @param status    {@code queued}, {@code running}, {@code done}, {@code failed} or {@code expired}
     * @param worker    the process that runs (or ran) it
     * @param heartbeat when that process last said it was still at it
     */
    record Job(String id, String owner, Instant createdAt, String status, long done, long total,
               Instant finishedAt, Instant expiresAt, long bytes, String error, String worker, Instant heartbeat) {
    }

    /**
     * Stores {@code job} (queued) unless {@code job.owner()} already has a queued or running job whose heartbeat is
     * not older than {@code staleBefore}; atomic across instances (two taps on two instances start one export). The
     * owner's stale jobs are failed with {@code staleError} first.
     *
     * @return the job that now stands for the owner's export: {@code job}, or the one already running
     */
    Job startUnlessRunning(Job job, Instant staleBefore, String staleError);

    /** The job with this id, whoever owns it (the caller checks the owner); empty when unknown. */
    Optional<Job> find(String id);

    /** Records progress and the worker's heartbeat; also moves a queued job to running. */
    void progress(String id, String status, long done, long total, Instant heartbeat);

    /** Records the end of a job: {@code done} or {@code failed}, with its link's expiry, size and fixed-text error. */
    void finish(String id, String status, long done, long total, Instant finishedAt, Instant expiresAt, long bytes,
                String error);

    /**
     * Ends jobs whose worker is gone: queued or running with a heartbeat older than {@code staleBefore} become
     * {@code failed} with {@code error}.
     *
     * @return how many were ended
     */
    int failStale(Instant staleBefore, Instant now, String error);

    /** Marks finished jobs whose link expired before {@code now} as expired; returns their ids (to delete files). */
    List<String> expire(Instant now);

    /** Forgets jobs that expired before {@code before}. */
    int purge(Instant before);
}
