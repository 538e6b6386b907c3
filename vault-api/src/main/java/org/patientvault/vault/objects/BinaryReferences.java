package org.patientvault.vault.objects;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Which blob ids committed resource versions reference. HAPI 8.8.0 keeps no index of them: an externalised
 * {@code Binary.data} or {@code Attachment.data} is replaced in the stored resource by the extension
 * {@code http://hapifhir.io/fhir/StructureDefinition/externalized-binary-id} whose value is the blob id, and every
 * version's JSON is in {@code HFJ_RES_VER.RES_TEXT_VC}. Old versions count too: they stay readable by vread.
 *
 * <p>Cost: {@link #snapshot()} is one pass over the versions whose text mentions the extension (PostgreSQL extracts
 * the ids, so only ids cross the wire) and holds the ids in memory, about 130 bytes each. The reconciler takes the
 * snapshot after its pass started, so every reference that committed before the grace cutoff is in it.
 */
final class BinaryReferences {

    static final String EXTENSION = "http://hapifhir.io/fhir/StructureDefinition/externalized-binary-id";
    private static final String IDS = "SELECT m[1] FROM hfj_res_ver v, regexp_matches(v.res_text_vc,"
            + " 'externalized-binary-id\"\\s*,\\s*\"valueString\"\\s*:\\s*\"([A-Za-z0-9._-]+)\"', 'g') m"
            + " WHERE v.res_text_vc LIKE '%externalized-binary-id%'";
    /** Versions whose text is not in RES_TEXT_VC (HAPI's older LOB or compressed encodings) cannot be searched. */
    private static final String UNSEARCHABLE = "SELECT count(*) FROM hfj_res_ver WHERE res_text_vc IS NULL"
            + " AND res_text IS NOT NULL";

    private final DataSource dataSource;

    BinaryReferences(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every referenced blob id now. */
    Set<String> snapshot() {
        try (Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(UNSEARCHABLE)) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    throw new UnsearchableReferencesException(rs.getLong(1) + " resource versions keep their text"
                            + " outside HFJ_RES_VER.RES_TEXT_VC; blob references cannot be checked, no object is deleted");
                }
            }
            Set<String> ids = new HashSet<>();
            c.setAutoCommit(false); // lets the driver stream with a fetch size
            try (PreparedStatement s = c.prepareStatement(IDS)) {
                s.setFetchSize(1000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
            return ids;
        } catch (SQLException e) {
            throw new UnsearchableReferencesException("Cannot read blob references: " + e.getMessage());
        }
    }

    /** References cannot be checked; a reconciler pass must not delete anything. */
    static final class UnsearchableReferencesException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        UnsearchableReferencesException(String message) {
            super(message);
        }
    }
}
