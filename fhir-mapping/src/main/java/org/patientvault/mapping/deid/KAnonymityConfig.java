package org.patientvault.mapping.deid;

import java.time.Year;

/**
 * Settings of the k-anonymity guard.
 *
 * @param k              smallest equivalence class allowed (default 5)
 * @param useBirthYear   birth year is a quasi-identifier
 * @param useSex         sex is a quasi-identifier
 * @param useProvince    province is a quasi-identifier
 * @param referenceYear  year ages are computed at: everyone aged 90 or more shares one band ({@code 90+})
 */
public record KAnonymityConfig(int k, boolean useBirthYear, boolean useSex, boolean useProvince, int referenceYear) {
    public KAnonymityConfig {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1");
        }
    }

    /** k = 5, all three quasi-identifiers, ages as of this year. */
    public static KAnonymityConfig defaults() {
        return new KAnonymityConfig(5, true, true, true, Year.now().getValue());
    }

    public KAnonymityConfig withK(int newK) {
        return new KAnonymityConfig(newK, useBirthYear, useSex, useProvince, referenceYear);
    }
}
