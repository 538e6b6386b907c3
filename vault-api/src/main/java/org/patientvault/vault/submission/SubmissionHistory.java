package org.patientvault.vault.submission;

import java.time.Instant;
import java.util.List;
import org.patientvault.vault.caller.VaultPrincipal;
import org.springframework.stereotype.Component;

/**
 * The current caller's own submission history, from the submission ledger: what the hospital console lists. A caller
 * sees the rows it submitted itself (keyed as {@link PrincipalSubmitter} keys them), never another submitter's.
 *
 * <p>Cost: one indexed query; each row carries the response the vault sent (the transaction-response Bundle JSON,
 * with its receipts), so keep {@code limit} small.
 */
@Component
public class SubmissionHistory {

    /**
     * One accepted submission.
     *
     * @param receivedAt       when it was accepted
     * @param bundleIdentifier the Bundle.identifier the submitter gave ({@code system|value}), or null
     * @param responseJson     the transaction-response Bundle sent back, with its receipts; null if it was not kept
     *                         (a crash between commit and answer)
     */
    public record Entry(Instant receivedAt, String bundleIdentifier, String responseJson) {
    }

    private final SubmissionLedger ledger;

    SubmissionHistory(SubmissionLedger ledger) {
        this.ledger = ledger;
    }

    /** The current caller's latest {@code limit} submissions, newest first; empty for a caller who is nobody. */
    public List<Entry> mine(int limit) {
        java.util.Optional<VaultPrincipal> caller = VaultPrincipal.current();
        if (caller.isEmpty()) {
            return List.of();
        }
        String key = PrincipalSubmitter.of(caller.get()).key();
        return ledger.recent(key, Math.max(1, Math.min(limit, 200))).stream()
                .map(r -> new Entry(r.receivedAt(), r.bundleIdentifier(), r.responseJson())).toList();
    }
}
