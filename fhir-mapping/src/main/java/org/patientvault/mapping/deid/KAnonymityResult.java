package org.patientvault.mapping.deid;

import java.util.List;

/**
 * Outcome of the guard: the generalisation level reached, the released (generalised) quasi-identifiers of each input
 * record in input order ({@code null} where the record is suppressed), and how many were suppressed.
 *
 * @param level        {@link KAnonymity.Level} applied
 * @param released     per input record: its released class, or null when suppressed
 * @param suppressed   number of suppressed records
 * @param smallestClass size of the smallest released class (0 when nothing is released)
 */
public record KAnonymityResult(KAnonymity.Level level, List<KAnonymity.Released> released, int suppressed,
        int smallestClass) {
    public KAnonymityResult {
        released = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(released));
    }

    /** True when record {@code i} may be released. */
    public boolean isReleased(int i) {
        return released.get(i) != null;
    }
}
