package org.patientvault.mapping.deid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.patientvault.mapping.deid.internal.ChinaRegions;

/**
 * The k-anonymity guard of a release: a pure function over the released patients' quasi-identifiers (birth year, sex,
 * province; each configurable). It generalises stepwise, {@link Level#YEAR_5_PROVINCE} (5-year birth bands) →
 * {@link Level#YEAR_10_PROVINCE} (10-year bands) → {@link Level#YEAR_10_REGION} (province → region, e.g. 华北), and
 * stops at the first level at which every equivalence class has at least k members. At the last level the records of
 * classes still below k are suppressed. Everyone aged 90 or more shares one band, {@code 90+}.
 *
 * <p>Cost: O(n) per level with a hash map of classes, at most three levels. Stateless.
 */
public final class KAnonymity {
    /** Generalisation levels, in order. */
    public enum Level { YEAR_5_PROVINCE, YEAR_10_PROVINCE, YEAR_10_REGION }

    /** A released equivalence class: the generalised values (null where the quasi-identifier is not used or unknown). */
    public record Released(String birthBand, String sex, String place) {
    }

    private KAnonymity() {
    }

    /** Applies the guard to {@code records} (in order) with {@code config}. */
    public static KAnonymityResult guard(List<QuasiIdentifiers> records, KAnonymityConfig config) {
        Level[] levels = Level.values();
        for (int l = 0; l < levels.length; l++) {
            List<Released> classes = generalise(records, config, levels[l]);
            Map<Released, Integer> sizes = sizes(classes);
            boolean last = l == levels.length - 1;
            boolean allOk = sizes.values().stream().allMatch(s -> s >= config.k());
            if (allOk || last) {
                List<Released> out = new ArrayList<>(classes.size());
                int suppressed = 0;
                int smallest = Integer.MAX_VALUE;
                for (Released c : classes) {
                    int s = sizes.get(c);
                    if (s < config.k()) {
                        out.add(null);
                        suppressed++;
                    } else {
                        out.add(c);
                        smallest = Math.min(smallest, s);
                    }
                }
                return new KAnonymityResult(levels[l], out, suppressed, smallest == Integer.MAX_VALUE ? 0 : smallest);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static Map<Released, Integer> sizes(List<Released> classes) {
        Map<Released, Integer> sizes = new HashMap<>();
        for (Released c : classes) {
            sizes.merge(c, 1, Integer::sum);
        }
        return sizes;
    }

    static List<Released> generalise(List<QuasiIdentifiers> records, KAnonymityConfig config, Level level) {
        List<Released> out = new ArrayList<>(records.size());
        int width = level == Level.YEAR_5_PROVINCE ? 5 : 10;
        for (QuasiIdentifiers q : records) {
            String band = config.useBirthYear() ? band(q.birthYear(), width, config.referenceYear()) : null;
            String sex = config.useSex() ? (q.sex() == null ? "unknown" : q.sex()) : null;
            String place = null;
            if (config.useProvince()) {
                place = level == Level.YEAR_10_REGION ? ChinaRegions.regionOf(q.province())
                        : q.province() == null || q.province().isBlank() ? "unknown" : q.province().strip();
            }
            out.add(new Released(band, sex, place));
        }
        return out;
    }

    /** The birth band of {@code year}: {@code 1980-1984} (width 5) or {@code 1980-1989}, or {@code 90+}. */
    static String band(Integer year, int width, int referenceYear) {
        if (year == null) {
            return "unknown";
        }
        if (referenceYear - year >= 90) {
            return "90+";
        }
        int start = Math.floorDiv(year, width) * width;
        return start + "-" + (start + width - 1);
    }
}
