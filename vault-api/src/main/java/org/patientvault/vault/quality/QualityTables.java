package org.patientvault.vault.quality;

import java.sql.Array;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.patientvault.mapping.quality.QualitySubmissionResult;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The two small tables of data quality: fingerprints of records already accepted (for cross-submission duplicate
 * detection) and one row per scored submission (the scorecards' input). Fingerprints are truncated SHA-256 hashes and
 * hold no national ID or clinical value.
 *
 * <p>Cost: one indexed {@code = ANY(?)} lookup per submission before its transaction, and one statement (one commit)
 * after it that stores both the fingerprints and the scorecard row.
 */
@Component
class QualityTables {

    private final JdbcTemplate jdbc;

    QualityTables(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_quality_fingerprint (
                  fingerprint VARCHAR(64) PRIMARY KEY,
                  first_seen TIMESTAMP WITH TIME ZONE NOT NULL)""");
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_quality_submission (
                  id BIGSERIAL PRIMARY KEY,
                  hospital VARCHAR(200) NOT NULL,
                  submitted_at TIMESTAMP WITH TIME ZONE NOT NULL,
                  score DOUBLE PRECISION NOT NULL,
                  check_ids TEXT NOT NULL)""");
        jdbc.execute("CREATE INDEX IF NOT EXISTS vault_quality_submission_at ON vault_quality_submission(submitted_at)");
    }

    /** Which of these fingerprints were stored by earlier submissions. */
    Set<String> seen(Collection<String> fingerprints) {
        if (fingerprints.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.execute((java.sql.Connection c) -> {
            Array array = c.createArrayOf("varchar", fingerprints.toArray());
            try (var ps = c.prepareStatement(
                    "SELECT fingerprint FROM vault_quality_fingerprint WHERE fingerprint = ANY(?)")) {
                ps.setArray(1, array);
                List<String> out = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        }));
    }

    /**
     * Stores a committed submission's fingerprints and, if given, its scorecard row, in one statement: after commit
     * every extra round trip and WAL flush is paid by the hospital's request.
     */
    void record(Collection<String> fingerprints, Instant at, QualitySubmissionResult result) {
        Timestamp ts = Timestamp.from(at);
        jdbc.execute((java.sql.Connection c) -> {
            try (var ps = c.prepareStatement("""
                    WITH f AS (INSERT INTO vault_quality_fingerprint (fingerprint, first_seen)
                               SELECT DISTINCT unnest(?::varchar[]), ?::timestamptz ON CONFLICT (fingerprint) DO NOTHING)
                    INSERT INTO vault_quality_submission (hospital, submitted_at, score, check_ids)
                    SELECT ?::varchar, ?::timestamptz, ?::float8, ?::text WHERE ?::boolean""")) {
                ps.setArray(1, c.createArrayOf("varchar", fingerprints.toArray()));
                ps.setTimestamp(2, ts);
                ps.setString(3, result == null ? "" : result.hospitalOrgId());
                ps.setTimestamp(4, result == null ? ts : Timestamp.from(result.submittedAt()));
                ps.setDouble(5, result == null ? 0 : result.score());
                ps.setString(6, result == null ? "" : String.join(" ", result.issueCheckIds()));
                ps.setBoolean(7, result != null);
                return ps.executeUpdate();
            }
        });
    }

    /** Every hospital's submission results since {@code from}, oldest first. */
    List<QualitySubmissionResult> since(Instant from) {
        return jdbc.query("SELECT hospital, submitted_at, score, check_ids FROM vault_quality_submission"
                        + " WHERE submitted_at >= ? ORDER BY submitted_at",
                (rs, i) -> new QualitySubmissionResult(rs.getString(1), rs.getTimestamp(2).toInstant(),
                        rs.getDouble(3), splitIds(rs.getString(4))),
                Timestamp.from(from));
    }

    private static List<String> splitIds(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.trim().split(" +"));
    }
}
