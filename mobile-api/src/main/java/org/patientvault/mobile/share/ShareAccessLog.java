package org.patientvault.mobile.share;

import java.time.Instant;
import java.util.List;
import org.patientvault.mobile.port.ShareLinkStore;
import org.springframework.stereotype.Component;

/**
 * Every access to a share link (manifest requests, right or wrong passcode, and file fetches), for the patient's
 * usage ledger. Kept in the {@link ShareLinkStore} beside the links, so it survives restarts (docs/mobile-api.md).
 */
@Component
public class ShareAccessLog {

    /**
     * One access.
     *
     * @param action   {@code manifest} or {@code file}
     * @param outcome  {@code success} or {@code denied}
     * @param resources how many resources the access disclosed (0 when denied)
     */
    public record Access(String id, String owner, String linkId, String label, Instant when, String action,
                         String outcome, int resources, String recipient) {
    }

    private final ShareLinkStore store;

    ShareAccessLog(ShareLinkStore store) {
        this.store = store;
    }

    void record(Access a) {
        store.recordAccess(new ShareLinkStore.Access(a.id(), a.owner(), a.linkId(), a.label(), a.when(), a.action(),
                a.outcome(), a.resources(), a.recipient()));
    }

    /** The accesses to {@code owner}'s links, oldest first. Cost: one indexed query. */
    public List<Access> of(String owner) {
        return store.accesses(owner).stream().map(a -> new Access(a.id(), a.owner(), a.linkId(), a.label(), a.when(),
                a.action(), a.outcome(), a.resources(), a.recipient())).toList();
    }
}
