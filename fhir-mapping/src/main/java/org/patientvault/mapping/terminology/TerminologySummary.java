package org.patientvault.mapping.terminology;

import java.util.List;

/**
 * Totals over a batch (e.g. one transaction Bundle), for the submission receipt.
 *
 * @param observations   Observations seen
 * @param alreadyLoinc   of which already carried a LOINC coding
 * @param mapped         of which got a LOINC coding added
 * @param converted      of which had their value converted into the canonical unit
 * @param unmapped       distinct unmapped local codes, in first-seen order
 */
public record TerminologySummary(int observations, int alreadyLoinc, int mapped, int converted,
                                 List<TerminologyUnmappedCode> unmapped) {
    public TerminologySummary {
        unmapped = List.copyOf(unmapped);
    }
}
