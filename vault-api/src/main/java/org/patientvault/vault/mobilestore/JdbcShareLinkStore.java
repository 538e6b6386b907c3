package org.patientvault.vault.mobilestore;

import static org.patientvault.vault.mobilestore.JdbcExportJobStore.instant;
import static org.patientvault.vault.mobilestore.JdbcExportJobStore.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.patientvault.mobile.port.ShareLinkStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@link ShareLinkStore} on tables {@code vault_mobile_share_link} (with the JWE content), {@code
 * vault_mobile_share_grant} (file locations) and {@code vault_mobile_share_access} (the access log). A wrong passcode
 * is counted by one conditional {@code UPDATE … RETURNING}: PostgreSQL re-checks the condition on the row's newest
 * version under its row lock, so parallel guesses on any number of instances never count more than the limit.
 */
@Component
class JdbcShareLinkStore implements ShareLinkStore {

    private static final String COLUMNS = "l.id, l.manifest_id, l.owner, l.salt, l.passcode_hash, l.created_at, "
            + "l.expires_at, l.label, l.resources, l.remaining, l.active";

    private final JdbcTemplate jdbc;

    JdbcShareLinkStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_mobile_share_link (
                  id VARCHAR(64) PRIMARY KEY,
                  manifest_id VARCHAR(64) NOT NULL UNIQUE,
                  owner VARCHAR(64) NOT NULL,
                  salt BYTEA NOT NULL,
                  passcode_hash BYTEA NOT NULL,
                  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
                  expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
                  label VARCHAR(200),
                  resources INTEGER NOT NULL,
                  remaining INTEGER NOT NULL,
                  active BOOLEAN NOT NULL,
                  content TEXT)""");
        jdbc.execute("CREATE INDEX IF NOT EXISTS vault_mobile_share_link_owner ON vault_mobile_share_link(owner)");
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_mobile_share_grant (
                  token VARCHAR(64) PRIMARY KEY,
                  link_id VARCHAR(64) NOT NULL,
                  expires_at TIMESTAMP WITH TIME ZONE NOT NULL)""");
        jdbc.execute("CREATE INDEX IF NOT EXISTS vault_mobile_share_grant_link ON vault_mobile_share_grant(link_id)");
        jdbc.execute("""
                CREATE TABLE IF NOT EXISTS vault_mobile_share_access (
                  id VARCHAR(64) PRIMARY KEY,
                  owner VARCHAR(64) NOT NULL,
                  link_id VARCHAR(64) NOT NULL,
                  label VARCHAR(200),
                  at TIMESTAMP WITH TIME ZONE NOT NULL,
                  action VARCHAR(16) NOT NULL,
                  outcome VARCHAR(16) NOT NULL,
                  resources INTEGER NOT NULL,
                  recipient VARCHAR(200))""");
        jdbc.execute("CREATE INDEX IF NOT EXISTS vault_mobile_share_access_owner ON vault_mobile_share_access(owner, at)");
    }

    @Override
    public void create(Link link, String jwe) {
        Instant now = Instant.now();
        // Housekeeping on the way: content and grants of links that ended are of no use to anyone.
        jdbc.update("UPDATE vault_mobile_share_link SET content = NULL WHERE content IS NOT NULL "
                + "AND (expires_at < ? OR NOT active)", ts(now));
        jdbc.update("DELETE FROM vault_mobile_share_grant WHERE expires_at < ?", ts(now));
        jdbc.update("""
                        INSERT INTO vault_mobile_share_link (id, manifest_id, owner, salt, passcode_hash, created_at,
                          expires_at, label, resources, remaining, active, content)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                link.id(), link.manifestId(), link.owner(), link.salt(), link.passcodeHash(), ts(link.createdAt()),
                ts(link.expiresAt()), link.label(), link.resources(), link.remaining(), link.active(), jwe);
    }

    @Override
    public int countLive(String owner, Instant now) {
        Integer n = jdbc.queryForObject("SELECT count(*) FROM vault_mobile_share_link WHERE owner = ? AND active "
                + "AND remaining > 0 AND expires_at > ?", Integer.class, owner, ts(now));
        return n == null ? 0 : n;
    }

    @Override
    public List<Link> ofOwner(String owner, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM vault_mobile_share_link l WHERE l.owner = ? "
                + "ORDER BY l.created_at DESC LIMIT ?", JdbcShareLinkStore::row, owner, limit);
    }

    @Override
    public Optional<Link> byId(String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM vault_mobile_share_link l WHERE l.id = ?",
                JdbcShareLinkStore::row, id).stream().findFirst();
    }

    @Override
    public Optional<Link> byManifest(String manifestId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM vault_mobile_share_link l WHERE l.manifest_id = ?",
                JdbcShareLinkStore::row, manifestId).stream().findFirst();
    }

    @Override
    public boolean revoke(String id, String owner) {
        int n = jdbc.update("UPDATE vault_mobile_share_link SET active = FALSE, content = NULL "
                + "WHERE id = ? AND owner = ?", id, owner);
        jdbc.update("DELETE FROM vault_mobile_share_grant WHERE link_id = ?", id);
        return n > 0;
    }

    @Override
    public Optional<Integer> countWrongPasscode(String manifestId, Instant now) {
        // SET reads the row's old values: the last allowed attempt leaves 0 and ends the link in the same write.
        return jdbc.queryForList("""
                        UPDATE vault_mobile_share_link SET remaining = remaining - 1, active = (remaining - 1 > 0)
                        WHERE manifest_id = ? AND active AND remaining > 0 AND expires_at > ?
                        RETURNING remaining""", Integer.class, manifestId, ts(now)).stream().findFirst();
    }

    @Override
    public void grant(String token, String linkId, Instant expiresAt) {
        jdbc.update("INSERT INTO vault_mobile_share_grant (token, link_id, expires_at) VALUES (?, ?, ?)", token,
                linkId, ts(expiresAt));
    }

    @Override
    public Optional<Link> granted(String token, Instant now) {
        return jdbc.query("SELECT " + COLUMNS + " FROM vault_mobile_share_grant g JOIN vault_mobile_share_link l "
                        + "ON l.id = g.link_id WHERE g.token = ? AND g.expires_at > ? AND l.active AND l.remaining > 0 "
                        + "AND l.expires_at > ?", JdbcShareLinkStore::row, token, ts(now), ts(now))
                .stream().findFirst();
    }

    @Override
    public Optional<String> content(String linkId) {
        return jdbc.queryForList("SELECT content FROM vault_mobile_share_link WHERE id = ? AND content IS NOT NULL",
                String.class, linkId).stream().findFirst();
    }

    @Override
    public void recordAccess(Access a) {
        jdbc.update("""
                        INSERT INTO vault_mobile_share_access (id, owner, link_id, label, at, action, outcome,
                          resources, recipient) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                a.id(), a.owner(), a.linkId(), a.label(), ts(a.when()), a.action(), a.outcome(), a.resources(),
                a.recipient());
    }

    @Override
    public List<Access> accesses(String owner) {
        return jdbc.query("SELECT id, owner, link_id, label, at, action, outcome, resources, recipient "
                        + "FROM vault_mobile_share_access WHERE owner = ? ORDER BY at, id",
                (rs, i) -> new Access(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        instant(rs.getTimestamp(5)), rs.getString(6), rs.getString(7), rs.getInt(8),
                        rs.getString(9)), owner);
    }

    private static Link row(ResultSet rs, int i) throws SQLException {
        return new Link(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4), rs.getBytes(5),
                instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)), rs.getString(8), rs.getInt(9),
                rs.getInt(10), rs.getBoolean(11));
    }
}
