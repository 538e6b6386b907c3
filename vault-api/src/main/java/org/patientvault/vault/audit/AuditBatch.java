package org.patientvault.vault.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.AuditEvent;
import org.patientvault.vault.caller.VaultPrincipal;

/**
 * The in-process FHIR requests that one edge request (e.g. one page of the patient app's timeline) makes as its
 * caller, audited together: while a batch is bound to a thread ({@link #call(Supplier)}), {@link AuditTrail} records
 * each such request's facts here instead of writing an AuditEvent for it, and {@link AuditTrail#flush(AuditBatch)}
 * writes them as one event on the caller's side (every interaction, id and query asked for, the worst outcome, the
 * caller's own records concerned, summed) plus one per other patient concerned (only that patient's types and counts).
 * The same facts as one event per request, in fewer writes: a page of the timeline costs one AuditEvent, not one per
 * internal search.
 *
 * <p>Thread-safe: the requests of one edge request may run on several threads, each binding the same batch. A batch
 * holds one caller; a request of another caller (never expected) is audited on its own, as without a batch.
 */
public final class AuditBatch {

    private static final ThreadLocal<AuditBatch> CURRENT = new ThreadLocal<>();

    /** One in-process request's facts. */
    record Part(String interaction, String interactionName, AuditEvent.AuditEventAction action,
                AuditEvent.AuditEventOutcome outcome, String status, String asked, String query, String path) {
    }

    private final String edgeRequest;
    private final List<Part> parts = new ArrayList<>();
    private final Map<String, Map<String, Integer>> touched = new TreeMap<>();
    private VaultPrincipal caller;

    /** @param edgeRequest what the edge was asked, e.g. {@code GET /mobile/v1/timeline} (no query: it is in the parts) */
    public AuditBatch(String edgeRequest) {
        this.edgeRequest = edgeRequest;
    }

    /** The batch bound to this thread, if any. */
    public static Optional<AuditBatch> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Runs {@code work} on this thread with this batch bound, then restores what was bound before. */
    public <T> T call(Supplier<T> work) {
        AuditBatch previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Adds one request's facts; false (nothing added) when the request's caller is not this batch's caller. */
    synchronized boolean add(VaultPrincipal who, Part part, Map<String, Map<String, Integer>> touchedByRequest) {
        if (caller == null) {
            caller = who;
        } else if (!caller.equals(who)) {
            return false;
        }
        parts.add(part);
        touchedByRequest.forEach((patient, types) -> {
            Map<String, Integer> sum = touched.computeIfAbsent(patient, k -> new TreeMap<>());
            types.forEach((type, n) -> sum.merge(type, n, Integer::sum));
        });
        return true;
    }

    String edgeRequest() {
        return edgeRequest;
    }

    /** What was added so far, copied (parts, touched, caller), and the batch emptied: flushed once. */
    synchronized Snapshot drain() {
        Snapshot s = new Snapshot(caller, List.copyOf(parts), new TreeMap<>(touched));
        parts.clear();
        touched.clear();
        return s;
    }

    record Snapshot(VaultPrincipal caller, List<Part> parts, Map<String, Map<String, Integer>> touched) {
    }
}
