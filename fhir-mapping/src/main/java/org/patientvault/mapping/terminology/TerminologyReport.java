package org.patientvault.mapping.terminology;

import java.util.List;

/**
 * What {@link ObservationNormalizer#normalize} did to one Observation.
 *
 * @param loincCode   the LOINC code the Observation now carries (already present or added), or null
 * @param match       the mapping used when a LOINC coding was added, or null
 * @param unitOutcome what happened to {@code valueQuantity}
 * @param unmapped    local codings that could not be mapped (empty when a LOINC code is present)
 */
public record TerminologyReport(String loincCode, TerminologyMatch match, UnitOutcome unitOutcome,
                                List<TerminologyUnmappedCode> unmapped) {

    /** Outcome of the unit step. */
    public enum UnitOutcome {
        /** No valueQuantity (e.g. valueString) or no value in it. */
        NO_QUANTITY,
        /** No LOINC code, so no canonical unit to aim for; the quantity is untouched. */
        NO_LOINC,
        /** Already in the canonical UCUM unit and spelling; untouched. */
        ALREADY_CANONICAL,
        /** Same unit, local spelling replaced by the UCUM code (value unchanged, original kept). */
        SPELLING_NORMALIZED,
        /** Value converted into the canonical unit (original kept). */
        CONVERTED,
        /** The unit is recognised but no factor to the canonical unit is defined; value untouched. */
        NO_CONVERSION,
        /** The unit spelling is unknown; untouched. */
        UNKNOWN_UNIT,
        /** The LOINC code is qualitative or not in the unit table; untouched. */
        NO_CANONICAL_UNIT
    }

    public TerminologyReport {
        unmapped = List.copyOf(unmapped);
    }

    /** True when a LOINC coding was added by this run. */
    public boolean codeAdded() {
        return match != null;
    }
}
