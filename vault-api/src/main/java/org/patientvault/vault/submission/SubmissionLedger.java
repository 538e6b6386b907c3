package org.patientvault.vault.submission;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Accepted submissions, one row each: who, the Bundle.identifier, the SHA-256 of the content, the Provenance and
 * the response that was sent. Rows are written in the same database transaction as the submitted resources, so a row
 * exists exactly when the submission committed. Unique keys make a concurrent duplicate fail instead of doubling.
 */
@Component
class SubmissionLedger {

    private final JdbcTemplate jdbc;

    SubmissionLedger(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_submission (
                  id UUID PRIMARY KEY,
                  submitter VARCHAR(200) NOT NULL,
                  bundle_identifier VARCHAR(700),
                  content_sha256 CHAR(64) NOT NULL,
                  received_at TIMESTAMP WITH TIME ZONE NOT NULL,
                  provenance_id VARCHAR(100) NOT NULL,
                  response_json TEXT)""");
        jdbc.execute("CREATE UNIQUE INDEX IF NOT EXISTS vault_submission_hash ON vault_submission(submitter, content_sha256)");
        jdbc.execute("CREATE UNIQUE INDEX IF NOT EXISTS vault_submission_ident ON vault_submission(submitter, bundle_identifier)"
                + " WHERE bundle_identifier IS NOT NULL");
    }

    record Prior(UUID id, String bundleIdentifier, String contentSha256, Instant receivedAt, String provenanceId,
                 String responseJson) {
    }

    /** The earlier submission by this submitter with the same identifier or the same content, if any. */
    Optional<Prior> find(String submitter, String bundleIdentifier, String contentSha256) {
        List<Prior> rows = jdbc.query("""
                        SELECT id, bundle_identifier, content_sha256, received_at, provenance_id, response_json
                        FROM vault_submission
                        WHERE submitter = ? AND (content_sha256 = ? OR bundle_identifier = CAST(? AS VARCHAR))
                        ORDER BY received_at LIMIT 1""",
                (rs, i) -> new Prior(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6)),
                submitter, contentSha256, bundleIdentifier);
        return rows.stream().findFirst();
    }

    /** Must run inside the submission's database transaction (see SubmissionLedgerHook). */
    void insert(UUID id, String submitter, String bundleIdentifier, String contentSha256, Instant receivedAt,
                String provenanceId) {
        jdbc.update("""
                        INSERT INTO vault_submission
                          (id, submitter, bundle_identifier, content_sha256, received_at, provenance_id)
                        VALUES (?, ?, ?, ?, ?, ?)""",
                id, submitter, bundleIdentifier, contentSha256, Timestamp.from(receivedAt), provenanceId);
    }

    /** Keeps the response sent for a committed submission, to answer replays with it. */
    void storeResponse(UUID id, String responseJson) {
        jdbc.update("UPDATE vault_submission SET response_json = ? WHERE id = ?", responseJson, id);
    }

    /** One accepted submission as its submitter may list it: when, its identifier and the response it was sent. */
    record Row(Instant receivedAt, String bundleIdentifier, String responseJson) {
    }

    /** The submitter's latest submissions, newest first (index {@code vault_submission_hash} leads by submitter). */
    List<Row> recent(String submitter, int limit) {
        return jdbc.query("""
                        SELECT received_at, bundle_identifier, response_json FROM vault_submission
                        WHERE submitter = ? ORDER BY received_at DESC LIMIT ?""",
                (rs, i) -> new Row(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3)),
                submitter, limit);
    }

    long count() {
        Long n = jdbc.queryForObject("SELECT count(*) FROM vault_submission", Long.class);
        return n == null ? 0 : n;
    }
}
