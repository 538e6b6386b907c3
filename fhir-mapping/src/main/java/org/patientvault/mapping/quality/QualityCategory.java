package org.patientvault.mapping.quality;

/**
 * The three data-quality categories of the harmonized framework of Kahn et al. (2016), as used by the OHDSI Data
 * Quality Dashboard. Every {@link QualityCheck} belongs to exactly one of them; scores are first computed per
 * category and then combined with the category weights of {@link QualityWeights}.
 */
public enum QualityCategory {
    /** Does the data follow the format and terminology rules (base R4, standard code systems, identifiers, references)? */
    CONFORMANCE,
    /** Is what a record needs to be usable present (codes, values with units, dates, acquisition parameters)? */
    COMPLETENESS,
    /** Are the values believable (ranges, dates, sex-specific codes, duplicates, units that fit the analyte)? */
    PLAUSIBILITY;

    /** Lower-case key used in the weights file, e.g. {@code category.conformance}. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
