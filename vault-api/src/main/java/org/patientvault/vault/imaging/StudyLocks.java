package org.patientvault.vault.imaging;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Serialises the read-merge-write of one study across requests and replicas: a PostgreSQL session advisory lock keyed
 * by a hash of the Study Instance UID, held on a connection of its own while the ImagingStudy is found, merged and
 * written. Without it two senders storing series of one study at once would both create the study or lose each
 * other's series. Cost: one pooled connection and two tiny statements per study and request.
 */
final class StudyLocks {

    private final DataSource dataSource;

    StudyLocks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    Held lock(String studyUid) {
        try {
            Connection c = dataSource.getConnection();
            try {
                run(c, "SELECT pg_advisory_lock(hashtextextended(?, 4711))", studyUid);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            return () -> {
                try (c) {
                    run(c, "SELECT pg_advisory_unlock(hashtextextended(?, 4711))", studyUid);
                } catch (SQLException e) {
                    // Closing the connection ends the session, which releases the lock anyway.
                }
            };
        } catch (SQLException e) {
            throw new IllegalStateException("could not lock the study for update: " + e.getMessage(), e);
        }
    }

    private static void run(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, "imaging-study:" + key);
            s.executeQuery().close();
        }
    }
}
