package org.patientvault.vault.cohort;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The cohort service's own records in PostgreSQL: requests (the firm's Group as sent, its status and the committee's
 * decision), releases (one per build: status, progress, manifest and its hash), members (patient → the release's
 * pseudonym, and the consent versions relied on), files, and withdrawals. Every read by a firm is keyed by the firm, so
 * another firm's id finds nothing exactly like an unknown one. Cost: one indexed statement per call.
 */
@Component
class CohortStore {

    enum Status { SUBMITTED, APPROVED, REJECTED }

    enum ReleaseStatus { BUILDING, READY, TOO_SMALL, FAILED, CANCELLED, EXPIRED }

    record Request(String id, String firm, String firmOrganization, Status status, String reason, String decidedBy,
                   Instant decidedAt, Instant createdAt, String groupJson) {
    }

    record Release(String id, String requestId, int number, ReleaseStatus status, int progress, String message,
                   Instant startedAt, Instant finishedAt, String manifestJson, String manifestSha256,
                   Instant expiresAt, boolean cancelRequested) {
    }

    record Member(String patientId, String pseudonym, String consents) {
    }

    record File(String id, String releaseId, String kind, String type, String objectKey, long count, long bytes,
                String contentType) {
    }

    record Withdrawal(int fromRelease, int detectedIn, String pseudonym, String patientId) {
    }

    private final JdbcTemplate jdbc;

    CohortStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_cohort_request (
                  id VARCHAR(64) PRIMARY KEY,
                  firm VARCHAR(200) NOT NULL,
                  firm_organization VARCHAR(64),
                  status VARCHAR(16) NOT NULL,
                  reason TEXT,
                  decided_by VARCHAR(200),
                  decided_at TIMESTAMP WITH TIME ZONE,
                  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                  group_json TEXT NOT NULL)""");
        jdbc.execute("CREATE INDEX IF NOT EXISTS vault_cohort_request_firm ON vault_cohort_request(firm)");
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_cohort_release (
                  id VARCHAR(64) PRIMARY KEY,
                  request_id VARCHAR(64) NOT NULL REFERENCES vault_cohort_request(id),
                  number INTEGER NOT NULL,
                  status VARCHAR(16) NOT NULL,
                  progress INTEGER NOT NULL,
                  message TEXT,
                  started_at TIMESTAMP WITH TIME ZONE NOT NULL,
                  finished_at TIMESTAMP WITH TIME ZONE,
                  request_json TEXT NOT NULL,
                  manifest_json TEXT,
                  manifest_sha256 VARCHAR(64),
                  expires_at TIMESTAMP WITH TIME ZONE,
                  cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
                  UNIQUE (request_id, number))""");
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_cohort_member (
                  release_id VARCHAR(64) NOT NULL REFERENCES vault_cohort_release(id),
                  patient_id VARCHAR(64) NOT NULL,
                  pseudonym VARCHAR(128) NOT NULL,
                  consents TEXT NOT NULL,
                  PRIMARY KEY (release_id, patient_id))""");
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_cohort_file (
                  id VARCHAR(64) PRIMARY KEY,
                  release_id VARCHAR(64) NOT NULL REFERENCES vault_cohort_release(id),
                  kind VARCHAR(16) NOT NULL,
                  type VARCHAR(64) NOT NULL,
                  object_key VARCHAR(300) NOT NULL,
                  count BIGINT NOT NULL,
                  bytes BIGINT NOT NULL,
                  content_type VARCHAR(100) NOT NULL)""");
        jdbc.execute("CREATE INDEX IF NOT EXISTS vault_cohort_file_release ON vault_cohort_file(release_id)");
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_cohort_withdrawal (
                  request_id VARCHAR(64) NOT NULL REFERENCES vault_cohort_request(id),
                  from_release INTEGER NOT NULL,
                  detected_in INTEGER NOT NULL,
                  pseudonym VARCHAR(128) NOT NULL,
                  patient_id VARCHAR(64) NOT NULL,
                  PRIMARY KEY (request_id, from_release, pseudonym))""");
        // A build does not survive a restart: say so instead of showing it running forever.
        jdbc.update("UPDATE vault_cohort_release SET status = 'FAILED', message = 'interrupted by a restart of the"
                + " vault; kick the export off again', finished_at = now() WHERE status = 'BUILDING'");
    }

    // ---- requests

    Request createRequest(String firm, String firmOrganization, String groupJson, Instant now) {
        String id = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO vault_cohort_request (id, firm, firm_organization, status, created_at, group_json)"
                + " VALUES (?, ?, ?, 'SUBMITTED', ?, ?)", id, firm, firmOrganization, Timestamp.from(now), groupJson);
        return new Request(id, firm, firmOrganization, Status.SUBMITTED, null, null, null, now, groupJson);
    }

    /** The request if {@code firm} made it (null firm: any request, for the committee). */
    Optional<Request> request(String id, String firm) {
        return jdbc.query("SELECT * FROM vault_cohort_request WHERE id = ? AND (CAST(? AS VARCHAR) IS NULL OR firm = ?)",
                CohortStore::request, id, firm, firm).stream().findFirst();
    }

    List<Request> requests(String firm, Status status) {
        return jdbc.query("SELECT * FROM vault_cohort_request WHERE (CAST(? AS VARCHAR) IS NULL OR firm = ?) AND (CAST(? AS VARCHAR) IS NULL OR"
                        + " status = ?) ORDER BY created_at DESC LIMIT 1000", CohortStore::request, firm, firm,
                status == null ? null : status.name(), status == null ? null : status.name());
    }

    /** Records the committee's decision; false if the request was decided already (or is unknown). */
    boolean decide(String id, Status status, String reason, String by, Instant now) {
        return jdbc.update("UPDATE vault_cohort_request SET status = ?, reason = ?, decided_by = ?, decided_at = ?"
                + " WHERE id = ? AND status = 'SUBMITTED'", status.name(), reason, by, Timestamp.from(now), id) == 1;
    }

    private static Request request(ResultSet rs, int i) throws SQLException {
        return new Request(rs.getString("id"), rs.getString("firm"), rs.getString("firm_organization"),
                Status.valueOf(rs.getString("status")), rs.getString("reason"), rs.getString("decided_by"),
                instant(rs, "decided_at"), instant(rs, "created_at"), rs.getString("group_json"));
    }

    // ---- releases

    /** Starts the next release of a request, unless one is building; empty if one is. */
    synchronized Optional<Release> startRelease(String requestId, String requestJson, Instant now) {
        Integer building = jdbc.queryForObject("SELECT count(*) FROM vault_cohort_release WHERE request_id = ? AND"
                + " status = 'BUILDING'", Integer.class, requestId);
        if (building != null && building > 0) {
            return Optional.empty();
        }
        Integer last = jdbc.queryForObject("SELECT coalesce(max(number), 0) FROM vault_cohort_release WHERE"
                + " request_id = ?", Integer.class, requestId);
        String id = UUID.randomUUID().toString();
        int number = (last == null ? 0 : last) + 1;
        jdbc.update("INSERT INTO vault_cohort_release (id, request_id, number, status, progress, started_at,"
                + " request_json) VALUES (?, ?, ?, 'BUILDING', 0, ?, ?)", id, requestId, number, Timestamp.from(now),
                requestJson);
        return release(id, null);
    }

    /** The release if it belongs to a request of {@code firm} (null firm: any). */
    Optional<Release> release(String id, String firm) {
        return jdbc.query("SELECT r.* FROM vault_cohort_release r JOIN vault_cohort_request q ON q.id = r.request_id"
                + " WHERE r.id = ? AND (CAST(? AS VARCHAR) IS NULL OR q.firm = ?)", CohortStore::release, id, firm, firm)
                .stream().findFirst();
    }

    Optional<Release> latestRelease(String requestId) {
        return jdbc.query("SELECT * FROM vault_cohort_release WHERE request_id = ? ORDER BY number DESC LIMIT 1",
                CohortStore::release, requestId).stream().findFirst();
    }

    void progress(String releaseId, int percent, String message) {
        jdbc.update("UPDATE vault_cohort_release SET progress = ?, message = ? WHERE id = ? AND status = 'BUILDING'",
                percent, message, releaseId);
    }

    boolean cancelRequested(String releaseId) {
        Boolean c = jdbc.queryForObject("SELECT cancel_requested FROM vault_cohort_release WHERE id = ?",
                Boolean.class, releaseId);
        return c != null && c;
    }

    /** Asks a build to stop (it does at its next step), or marks a finished release cancelled (files go). */
    void requestCancel(String releaseId) {
        jdbc.update("UPDATE vault_cohort_release SET cancel_requested = TRUE WHERE id = ?", releaseId);
    }

    void finish(String releaseId, ReleaseStatus status, String message, String manifestJson, String manifestSha256,
                Instant now, Instant expiresAt) {
        jdbc.update("UPDATE vault_cohort_release SET status = ?, progress = 100, message = ?, manifest_json = ?,"
                        + " manifest_sha256 = ?, finished_at = ?, expires_at = ? WHERE id = ?", status.name(), message,
                manifestJson, manifestSha256, Timestamp.from(now), expiresAt == null ? null : Timestamp.from(expiresAt),
                releaseId);
    }

    void markStatus(String releaseId, ReleaseStatus status, String message) {
        jdbc.update("UPDATE vault_cohort_release SET status = ?, message = ? WHERE id = ?", status.name(), message,
                releaseId);
    }

    /** Finished releases whose files are past their lifetime, or cancelled after finishing, and still have files. */
    List<Release> releasesWithFilesToDrop(Instant now) {
        return jdbc.query("SELECT * FROM vault_cohort_release r WHERE ((r.expires_at IS NOT NULL AND r.expires_at"
                + " <= ?) OR r.status = 'CANCELLED') AND EXISTS (SELECT 1 FROM vault_cohort_file f WHERE"
                + " f.release_id = r.id)", CohortStore::release, Timestamp.from(now));
    }

    private static Release release(ResultSet rs, int i) throws SQLException {
        return new Release(rs.getString("id"), rs.getString("request_id"), rs.getInt("number"),
                ReleaseStatus.valueOf(rs.getString("status")), rs.getInt("progress"), rs.getString("message"),
                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getString("manifest_json"),
                rs.getString("manifest_sha256"), instant(rs, "expires_at"), rs.getBoolean("cancel_requested"));
    }

    // ---- members, files, withdrawals

    void addMembers(String releaseId, List<Member> members) {
        jdbc.batchUpdate("INSERT INTO vault_cohort_member (release_id, patient_id, pseudonym, consents)"
                        + " VALUES (?, ?, ?, ?)", members, 500,
                (ps, m) -> {
                    ps.setString(1, releaseId);
                    ps.setString(2, m.patientId());
                    ps.setString(3, m.pseudonym());
                    ps.setString(4, m.consents());
                });
    }

    /** Everyone in any earlier ready release of the request, with the release number and that release's pseudonym. */
    List<Withdrawal> earlierMembers(String requestId, int beforeNumber) {
        return jdbc.query("SELECT r.number, m.pseudonym, m.patient_id FROM vault_cohort_member m JOIN"
                        + " vault_cohort_release r ON r.id = m.release_id WHERE r.request_id = ? AND r.number < ?"
                        + " AND r.status IN ('READY', 'EXPIRED', 'CANCELLED') AND NOT EXISTS (SELECT 1 FROM"
                        + " vault_cohort_withdrawal w WHERE w.request_id = r.request_id AND w.from_release = r.number"
                        + " AND w.pseudonym = m.pseudonym)",
                (rs, i) -> new Withdrawal(rs.getInt(1), beforeNumber, rs.getString(2), rs.getString(3)),
                requestId, beforeNumber);
    }

    /** The members of one release, for the auditor. */
    List<Member> members(String releaseId) {
        return jdbc.query("SELECT patient_id, pseudonym, consents FROM vault_cohort_member WHERE release_id = ?"
                + " ORDER BY patient_id", (rs, i) -> new Member(rs.getString(1), rs.getString(2), rs.getString(3)),
                releaseId);
    }

    Optional<Release> releaseNumber(String requestId, int number) {
        return jdbc.query("SELECT * FROM vault_cohort_release WHERE request_id = ? AND number = ?",
                CohortStore::release, requestId, number).stream().findFirst();
    }

    /** The request as the release was built from it (the firm's Group, as stored then). */
    String releaseRequest(String releaseId) {
        return jdbc.queryForObject("SELECT request_json FROM vault_cohort_release WHERE id = ?", String.class,
                releaseId);
    }

    void addWithdrawals(String requestId, List<Withdrawal> withdrawals) {
        jdbc.batchUpdate("INSERT INTO vault_cohort_withdrawal (request_id, from_release, detected_in, pseudonym,"
                        + " patient_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", withdrawals, 500,
                (ps, w) -> {
                    ps.setString(1, requestId);
                    ps.setInt(2, w.fromRelease());
                    ps.setInt(3, w.detectedIn());
                    ps.setString(4, w.pseudonym());
                    ps.setString(5, w.patientId());
                });
    }

    List<Withdrawal> withdrawals(String requestId) {
        return jdbc.query("SELECT from_release, detected_in, pseudonym, patient_id FROM vault_cohort_withdrawal"
                        + " WHERE request_id = ? ORDER BY detected_in, from_release, pseudonym",
                (rs, i) -> new Withdrawal(rs.getInt(1), rs.getInt(2), rs.getString(3), rs.getString(4)), requestId);
    }

    void addFile(File f) {
        jdbc.update("INSERT INTO vault_cohort_file (id, release_id, kind, type, object_key, count, bytes,"
                        + " content_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", f.id(), f.releaseId(), f.kind(), f.type(),
                f.objectKey(), f.count(), f.bytes(), f.contentType());
    }

    /** The file if it belongs to a release of {@code firm}'s requests. */
    Optional<File> file(String id, String firm) {
        return jdbc.query("SELECT f.* FROM vault_cohort_file f JOIN vault_cohort_release r ON r.id = f.release_id"
                + " JOIN vault_cohort_request q ON q.id = r.request_id WHERE f.id = ? AND q.firm = ?",
                CohortStore::file, id, firm).stream().findFirst();
    }

    List<File> files(String releaseId) {
        return jdbc.query("SELECT * FROM vault_cohort_file WHERE release_id = ? ORDER BY kind, type, id",
                CohortStore::file, releaseId);
    }

    void dropFiles(String releaseId) {
        jdbc.update("DELETE FROM vault_cohort_file WHERE release_id = ?", releaseId);
    }

    private static File file(ResultSet rs, int i) throws SQLException {
        return new File(rs.getString("id"), rs.getString("release_id"), rs.getString("kind"), rs.getString("type"),
                rs.getString("object_key"), rs.getLong("count"), rs.getLong("bytes"), rs.getString("content_type"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
