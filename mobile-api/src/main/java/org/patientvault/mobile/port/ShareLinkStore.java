package org.patientvault.mobile.port;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where the patient API keeps its SMART Health Links, their encrypted content, the short-lived file grants, the
 * passcode attempt counters and the log of every access, so that links survive restarts and hold across vault
 * instances. The decryption key is never stored: it exists only in the {@code shlink:/} payload. vault-api implements
 * it on PostgreSQL.
 *
 * <p>Cost: one indexed statement per call, except {@link #content} (one row of up to the link's content size).
 */
public interface ShareLinkStore {

    /**
     * One link.
     *
     * @param passcodeHash PBKDF2 of the passcode with {@code salt}
     * @param remaining    wrong passcodes the link still survives
     * @param resources    how many resources its content holds
     */
    record Link(String id, String manifestId, String owner, byte[] salt, byte[] passcodeHash, Instant createdAt,
                Instant expiresAt, String label, int resources, int remaining, boolean active) {

        public boolean live(Instant now) {
            return active && remaining > 0 && now.isBefore(expiresAt);
        }
    }

    /**
     * One access to a link.
     *
     * @param action  {@code manifest} or {@code file}
     * @param outcome {@code success} or {@code denied}
     */
    record Access(String id, String owner, String linkId, String label, Instant when, String action, String outcome,
                  int resources, String recipient) {
    }

    /** Stores a new link with its encrypted content (a compact JWE). */
    void create(Link link, String jwe);

    /** How many of {@code owner}'s links are live at {@code now}. */
    int countLive(String owner, Instant now);

    /** The links {@code owner} made, newest first, live or not (at most {@code limit}). */
    List<Link> ofOwner(String owner, int limit);

    Optional<Link> byId(String id);

    Optional<Link> byManifest(String manifestId);

    /**
     * Ends {@code owner}'s link {@code id} (its content and file grants are dropped).
     *
     * @return false when there is no such link of that owner
     */
    boolean revoke(String id, String owner);

    /**
     * Counts one wrong passcode against a live link, atomically across threads and instances (one conditional
     * UPDATE): the link ends when none remain.
     *
     * @return the attempts that remain after this one; empty when the link was not live (unknown, expired, revoked
     *         or already exhausted), so that no more than the limit are ever counted
     */
    Optional<Integer> countWrongPasscode(String manifestId, Instant now);

    /** Grants a file location {@code token} for {@code linkId} until {@code expiresAt}. */
    void grant(String token, String linkId, Instant expiresAt);

    /** The link of a file grant that is still valid at {@code now} and whose link is live. */
    Optional<Link> granted(String token, Instant now);

    /** The link's encrypted content; empty once revoked. */
    Optional<String> content(String linkId);

    void recordAccess(Access access);

    /** The accesses to {@code owner}'s links, oldest first. */
    List<Access> accesses(String owner);
}
