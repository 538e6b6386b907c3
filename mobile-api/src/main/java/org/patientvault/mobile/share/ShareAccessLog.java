package org.patientvault.mobile.share;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;

/**
 * Every access to a share link (manifest requests, right or wrong passcode, and file fetches), for the patient's
 * usage ledger. Held in memory, like the links themselves: a restart forgets both (docs/mobile-api.md).
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

    private final List<Access> accesses = new CopyOnWriteArrayList<>();

    void record(Access access) {
        accesses.add(access);
    }

    /** The accesses to {@code owner}'s links, oldest first. */
    public List<Access> of(String owner) {
        return accesses.stream().filter(a -> a.owner().equals(owner)).toList();
    }
}
