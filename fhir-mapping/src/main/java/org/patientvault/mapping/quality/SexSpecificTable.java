package org.patientvault.mapping.quality;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;

/** Codes specific to one sex, from {@code quality/sex-specific-codes.csv}. */
final class SexSpecificTable {
    public static final String RESOURCE = "quality/sex-specific-codes.csv";

    public record Entry(String system, String code, AdministrativeGender sex, String label) {
    }

    private final Map<String, Entry> bySystemCode;

    private SexSpecificTable(Map<String, Entry> map) {
        this.bySystemCode = map;
    }

    public static SexSpecificTable load() {
        Map<String, Entry> map = new HashMap<>();
        for (Tables.Row row : Tables.rows(RESOURCE, 3)) {
            String[] c = row.cells();
            AdministrativeGender sex = switch (c[2]) {
                case "male" -> AdministrativeGender.MALE;
                case "female" -> AdministrativeGender.FEMALE;
                default -> throw new QualityConfigurationException(RESOURCE + " line " + row.line()
                        + ": sex must be male or female, got '" + c[2] + "'");
            };
            map.put(c[0] + "|" + c[1], new Entry(c[0], c[1], sex, c.length > 3 ? c[3] : c[1]));
        }
        return new SexSpecificTable(Map.copyOf(map));
    }

    public Optional<Entry> lookup(String system, String code) {
        return Optional.ofNullable(bySystemCode.get(system + "|" + code));
    }
}
