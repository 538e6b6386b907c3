package org.patientvault.mapping.quality;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Plausible ranges and accepted units per LOINC code, from {@code quality/analyte-ranges.csv}. */
final class AnalyteTable {
    public static final String RESOURCE = "quality/analyte-ranges.csv";

    /** One analyte; {@code factors} maps each accepted unit (canonical included, factor 1) to canonical. */
    public record Analyte(String loinc, String name, String canonicalUnit, double min, double max,
            Map<String, Double> factors, Map<String, Double> factorsLowerCase) {

        /** Factor converting a value in {@code unit} to the canonical unit, if the unit is accepted. */
        public Optional<Double> factor(String unit) {
            if (unit == null) {
                return Optional.empty();
            }
            Double f = factors.get(unit);
            if (f == null) {
                f = factorsLowerCase.get(unit.toLowerCase(Locale.ROOT));
            }
            return Optional.ofNullable(f);
        }
    }

    private final Map<String, Analyte> byLoinc;

    private AnalyteTable(Map<String, Analyte> byLoinc) {
        this.byLoinc = byLoinc;
    }

    public static AnalyteTable load() {
        Map<String, Analyte> map = new HashMap<>();
        for (Tables.Row row : Tables.rows(RESOURCE, 5)) {
            String[] c = row.cells();
            double min = Tables.number(RESOURCE, row.line(), "min", c[3]);
            double max = Tables.number(RESOURCE, row.line(), "max", c[4]);
            if (min > max) {
                throw new QualityConfigurationException(RESOURCE + " line " + row.line() + ": min > max");
            }
            Map<String, Double> factors = new LinkedHashMap<>();
            factors.put(c[2], 1.0);
            if (c.length > 5 && !c[5].isEmpty()) {
                for (String pair : c[5].split(",")) {
                    int eq = pair.lastIndexOf('=');
                    if (eq <= 0) {
                        throw new QualityConfigurationException(RESOURCE + " line " + row.line()
                                + ": expected unit=factor, got '" + pair + "'");
                    }
                    factors.put(pair.substring(0, eq).strip(),
                            Tables.number(RESOURCE, row.line(), "factor", pair.substring(eq + 1).strip()));
                }
            }
            Map<String, Double> lower = new HashMap<>();
            factors.forEach((u, f) -> lower.putIfAbsent(u.toLowerCase(Locale.ROOT), f));
            if (map.put(c[0], new Analyte(c[0], c[1], c[2], min, max, Map.copyOf(factors), Map.copyOf(lower)))
                    != null) {
                throw new QualityConfigurationException(RESOURCE + " line " + row.line() + ": duplicate LOINC "
                        + c[0]);
            }
        }
        return new AnalyteTable(Map.copyOf(map));
    }

    public Optional<Analyte> byLoinc(String code) {
        return code == null ? Optional.empty() : Optional.ofNullable(byLoinc.get(code));
    }

    public int size() {
        return byLoinc.size();
    }
}
