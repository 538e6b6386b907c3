package org.patientvault.mapping.terminology;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.patientvault.mapping.terminology.internal.Terms;

/**
 * The unit table: the canonical UCUM unit per LOINC code, local unit spellings → UCUM, and the
 * conversion factors that are defined (analyte-specific, e.g. glucose mmol/L → mg/dL × 18.016, and
 * analyte-independent, e.g. m → cm). Loaded from {@code /terminology/ucum-units.tsv} and
 * {@code /terminology/unit-spellings.tsv}. Immutable and thread-safe; lookups are O(1).
 */
public final class UcumUnits {

    /** The UCUM code system URL. */
    public static final String UCUM_SYSTEM = "http://unitsofmeasure.org";

    /** Marker for a LOINC code whose results carry no unit (qualitative or dimensionless by strip). */
    public static final String NO_UNIT = "-";

    private static final UcumUnits STANDARD = load();

    private final Map<String, String> canonical;
    private final Map<String, Map<String, UcumConversion>> specific;
    private final Map<String, Map<String, UcumConversion>> generic;
    private final Map<String, String> spellings;
    private final Map<String, String> spellingsIgnoreCase;
    private final Set<String> ucumCodes;

    private UcumUnits(Map<String, String> canonical, Map<String, Map<String, UcumConversion>> specific,
                      Map<String, Map<String, UcumConversion>> generic, Map<String, String> spellings,
                      Map<String, String> spellingsIgnoreCase) {
        this.canonical = Map.copyOf(canonical);
        this.specific = Map.copyOf(specific);
        this.generic = Map.copyOf(generic);
        this.spellings = Map.copyOf(spellings);
        this.spellingsIgnoreCase = Map.copyOf(spellingsIgnoreCase);
        Set<String> codes = new HashSet<>(spellings.values());
        canonical.values().stream().filter(u -> !NO_UNIT.equals(u)).forEach(codes::add);
        this.ucumCodes = Set.copyOf(codes);
    }

    /** The table shipped with the library. */
    public static UcumUnits standard() {
        return STANDARD;
    }

    private static UcumUnits load() {
        Map<String, String> canonical = new HashMap<>();
        Map<String, Map<String, UcumConversion>> specific = new HashMap<>();
        Map<String, Map<String, UcumConversion>> generic = new HashMap<>();
        for (String[] row : Terms.readTsv("/terminology/ucum-units.tsv")) {
            if (row.length < 2) {
                throw new IllegalStateException("ucum-units.tsv: row needs at least loinc and canonical: "
                        + String.join(" ", row));
            }
            String loinc = row[0];
            String to = row[1];
            if (!"*".equals(loinc)) {
                String prev = canonical.putIfAbsent(loinc, to);
                if (prev != null && !prev.equals(to)) {
                    throw new IllegalStateException("ucum-units.tsv: two canonical units for " + loinc);
                }
            }
            if (row.length < 4 || NO_UNIT.equals(row[2])) {
                continue;
            }
            UcumConversion c = parseConversion(row[2], to, row[3]);
            if ("*".equals(loinc)) {
                generic.computeIfAbsent(to, k -> new HashMap<>()).put(row[2], c);
            } else {
                specific.computeIfAbsent(loinc, k -> new HashMap<>()).put(row[2], c);
            }
        }
        Map<String, String> spellings = new HashMap<>();
        Map<String, String> lower = new HashMap<>();
        Set<String> ambiguous = new HashSet<>();
        for (String[] row : Terms.readTsv("/terminology/unit-spellings.tsv")) {
            if (row.length != 2) {
                throw new IllegalStateException("unit-spellings.tsv: row needs spelling and ucum: " + String.join(" ", row));
            }
            String key = Terms.unitKey(row[0]);
            spellings.put(key, row[1]);
            String lk = key.toLowerCase(Locale.ROOT);
            String prev = lower.putIfAbsent(lk, row[1]);
            if (prev != null && !prev.equals(row[1])) {
                ambiguous.add(lk);
            }
        }
        ambiguous.forEach(lower::remove);
        return new UcumUnits(canonical, specific, generic, spellings, lower);
    }

    private static UcumConversion parseConversion(String from, String to, String factor) {
        BigDecimal n = new BigDecimal(factor.substring(1));
        return switch (factor.charAt(0)) {
            case '*' -> new UcumConversion(from, to, n, BigDecimal.ONE);
            case '/' -> new UcumConversion(from, to, BigDecimal.ONE, n);
            default -> throw new IllegalStateException("ucum-units.tsv: factor must start with * or /: " + factor);
        };
    }

    /** The canonical UCUM unit for a LOINC code; {@link #NO_UNIT} for qualitative codes; empty if unknown. */
    public Optional<String> canonicalUnit(String loinc) {
        return Optional.ofNullable(canonical.get(loinc));
    }

    /** LOINC codes the table knows. */
    public Set<String> loincCodes() {
        return Collections.unmodifiableSet(canonical.keySet());
    }

    /**
     * The UCUM code for a local spelling ("mmol/l", "×10⁹/L", "µmol/L", "斤"), or empty when the
     * spelling is not known.
     */
    public Optional<String> toUcum(String spelling) {
        String key = Terms.unitKey(spelling);
        if (key == null) {
            return Optional.empty();
        }
        String hit = spellings.get(key);
        if (hit == null) {
            hit = spellingsIgnoreCase.get(key.toLowerCase(Locale.ROOT));
        }
        return Optional.ofNullable(hit);
    }

    /** True when {@code code} is a UCUM code this table uses. */
    public boolean isKnownUcum(String code) {
        return code != null && ucumCodes.contains(code);
    }

    /**
     * The conversion from {@code fromUcum} into the canonical unit of {@code loinc}: identity when the
     * units are equal, else an analyte-specific factor, else an analyte-independent one.
     */
    public Optional<UcumConversion> conversion(String loinc, String fromUcum) {
        String to = canonical.get(loinc);
        if (to == null || NO_UNIT.equals(to) || fromUcum == null) {
            return Optional.empty();
        }
        if (to.equals(fromUcum)) {
            return Optional.of(new UcumConversion(fromUcum, to, BigDecimal.ONE, BigDecimal.ONE));
        }
        UcumConversion c = specific.getOrDefault(loinc, Map.of()).get(fromUcum);
        if (c == null) {
            c = generic.getOrDefault(to, Map.of()).get(fromUcum);
        }
        return Optional.ofNullable(c);
    }

    /** Converts a value given in {@code fromUcum} into the canonical unit of {@code loinc}, if defined. */
    public Optional<BigDecimal> convert(String loinc, BigDecimal value, String fromUcum) {
        return conversion(loinc, fromUcum).map(c -> c.apply(value));
    }
}
