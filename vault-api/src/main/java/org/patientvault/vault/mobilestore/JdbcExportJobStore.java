package org.patientvault.vault.mobilestore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.patientvault.mobile.port.ExportJobStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@link ExportJobStore} on table {@code vault_mobile_export_job}. A partial unique index allows one queued or running
 * job per patient, so two instances racing to start an export for the same patient store one job.
 */
@Component
class JdbcExportJobStore implements ExportJobStore {

    private static final String COLUMNS = "id, owner, created_at, status, done, total, finished_at, expires_at, "
            + "bytes, error, worker, heartbeat";

    private final JdbcTemplate jdbc;

    JdbcExportJobStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_mobile_export_job (
                  id VARCHAR(64) PRIMARY KEY,
                  owner VARCHAR(64) NOT NULL,
                  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                  status VARCHAR(16) NOT NULL,
                  done BIGINT NOT NULL,
                  total BIGINT NOT NULL,
                  finished_at TIMESTAMP WITH TIME ZONE,
                  expires_at TIMESTAMP WITH TIME ZONE,
                  bytes BIGINT NOT NULL,
                  error VARCHAR(200),
                  worker VARCHAR(64) NOT NULL,
                  heartbeat TIMESTAMP WITH TIME ZONE NOT NULL)""");
        jdbc.execute("CREATE UNIQUE INDEX IF NOT EXISTS vault_mobile_export_job_active ON vault_mobile_export_job(owner)"
                + " WHERE status IN ('queued', 'running')");
        jdbc.execute("CREATE INDEX IF NOT EXISTS vault_mobile_export_job_expires ON vault_mobile_export_job(expires_at)");
    }

    @Override
    public Job startUnlessRunning(Job job, Instant staleBefore, String staleError) {
        for (int attempt = 0; attempt < 5; attempt++) {
            // A job whose worker died does not block the patient's next export.
            Instant now = Instant.now();
            jdbc.update("UPDATE vault_mobile_export_job SET status = 'failed', error = ?, finished_at = ?, "
                    + "expires_at = ? WHERE owner = ? AND status IN ('queued', 'running') AND heartbeat < ?",
                    staleError, ts(now), ts(now), job.owner(), ts(staleBefore));
            List<String> inserted = jdbc.queryForList("""
                            INSERT INTO vault_mobile_export_job (id, owner, created_at, status, done, total, bytes,
                              worker, heartbeat)
                            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)
                            ON CONFLICT (owner) WHERE status IN ('queued', 'running') DO NOTHING
                            RETURNING id""", String.class, job.id(), job.owner(), ts(job.createdAt()), job.status(),
                    job.done(), job.total(), job.worker(), ts(job.heartbeat()));
            if (!inserted.isEmpty()) {
                return job;
            }
            List<Job> running = jdbc.query("SELECT " + COLUMNS + " FROM vault_mobile_export_job WHERE owner = ? "
                    + "AND status IN ('queued', 'running')", JdbcExportJobStore::row, job.owner());
            if (!running.isEmpty()) {
                return running.get(0);
            }
            // The running one finished between the two statements: try again.
        }
        throw new IllegalStateException("could not start an export: the patient's jobs keep changing");
    }

    @Override
    public Optional<Job> find(String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM vault_mobile_export_job WHERE id = ?", JdbcExportJobStore::row,
                id).stream().findFirst();
    }

    @Override
    public void progress(String id, String status, long done, long total, Instant heartbeat) {
        jdbc.update("UPDATE vault_mobile_export_job SET status = ?, done = ?, total = ?, heartbeat = ? "
                + "WHERE id = ? AND status IN ('queued', 'running')", status, done, total, ts(heartbeat), id);
    }

    @Override
    public void finish(String id, String status, long done, long total, Instant finishedAt, Instant expiresAt,
                       long bytes, String error) {
        jdbc.update("UPDATE vault_mobile_export_job SET status = ?, done = ?, total = ?, finished_at = ?, "
                        + "expires_at = ?, bytes = ?, error = ?, heartbeat = ? WHERE id = ?", status, done, total,
                ts(finishedAt), ts(expiresAt), bytes, error, ts(finishedAt), id);
    }

    @Override
    public int failStale(Instant staleBefore, Instant now, String error) {
        return jdbc.update("UPDATE vault_mobile_export_job SET status = 'failed', error = ?, finished_at = ?, "
                + "expires_at = ? WHERE status IN ('queued', 'running') AND heartbeat < ?", error, ts(now), ts(now),
                ts(staleBefore));
    }

    @Override
    public List<String> expire(Instant now) {
        return jdbc.queryForList("UPDATE vault_mobile_export_job SET status = 'expired' WHERE status = 'done' "
                + "AND expires_at < ? RETURNING id", String.class, ts(now));
    }

    @Override
    public int purge(Instant before) {
        return jdbc.update("DELETE FROM vault_mobile_export_job WHERE status IN ('expired', 'failed') "
                + "AND expires_at < ?", ts(before));
    }

    private static Job row(ResultSet rs, int i) throws SQLException {
        return new Job(rs.getString(1), rs.getString(2), instant(rs.getTimestamp(3)), rs.getString(4),
                rs.getLong(5), rs.getLong(6), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)),
                rs.getLong(9), rs.getString(10), rs.getString(11), instant(rs.getTimestamp(12)));
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
