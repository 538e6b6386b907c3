package org.patientvault.vault.objects;

import java.util.function.Predicate;

/**
 * Another object prefix the orphan sweep ({@link BinaryReconciliation}) covers besides HAPI's {@code binary/}: a
 * feature that stores objects before committing the rows that reference them declares one as a bean.
 */
public interface ReconciledPrefix {

    /** The prefix, {@code "folder/"} (never {@code keys/} or {@code binary/}). */
    String prefix();

    /**
     * A reference check for one pass: given a key with the prefix removed, whether a committed row references it.
     * Asked only for objects older than the grace period; when in doubt, answer true (nothing is deleted).
     */
    Predicate<String> references();
}
