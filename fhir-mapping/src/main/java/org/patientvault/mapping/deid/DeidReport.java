package org.patientvault.mapping.deid;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of what a de-identifier did over a release: resources in and out, resources excluded by type, elements
 * changed per rule, and resident IDs and mobile numbers found in remaining text and removed. Holds no values, only
 * counts, so it may be logged and shipped with the release. Thread-safe; updates cost a hash lookup and an add.
 */
public final class DeidReport {
    private final LongAdder in = new LongAdder();
    private final LongAdder out = new LongAdder();
    private final LongAdder residentIds = new LongAdder();
    private final LongAdder mobiles = new LongAdder();
    private final Map<String, LongAdder> excluded = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> byRule = new ConcurrentHashMap<>();

    void resourceIn() {
        in.increment();
    }

    void resourceOut() {
        out.increment();
    }

    void excluded(String why) {
        excluded.computeIfAbsent(why, k -> new LongAdder()).increment();
    }

    void rule(String ruleId) {
        byRule.computeIfAbsent(ruleId, k -> new LongAdder()).increment();
    }

    /** Adds {@code n} to a rule's count (callers that tally per instance report once, not per element). */
    void rule(String ruleId, long n) {
        if (n > 0) {
            byRule.computeIfAbsent(ruleId, k -> new LongAdder()).add(n);
        }
    }

    void residentIdRemoved() {
        residentIds.increment();
    }

    void mobileRemoved() {
        mobiles.increment();
    }

    public long resourcesIn() {
        return in.sum();
    }

    public long resourcesOut() {
        return out.sum();
    }

    /** Excluded resources (or DICOM instances) by reason, e.g. {@code type:Provenance} or {@code burned-in}. */
    public Map<String, Long> excluded() {
        return snapshot(excluded);
    }

    /** Elements changed per profile rule id. */
    public Map<String, Long> elementsByRule() {
        return snapshot(byRule);
    }

    /** Resident IDs (valid check character) found in text that the rules kept, and removed. */
    public long residentIdsRemoved() {
        return residentIds.sum();
    }

    /** Mobile numbers found in text that the rules kept, and removed. */
    public long mobileNumbersRemoved() {
        return mobiles.sum();
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    @Override
    public String toString() {
        return "DeidReport[in=" + resourcesIn() + ", out=" + resourcesOut() + ", excluded=" + excluded()
                + ", residentIds=" + residentIdsRemoved() + ", mobiles=" + mobileNumbersRemoved() + ", rules="
                + elementsByRule() + "]";
    }
}
