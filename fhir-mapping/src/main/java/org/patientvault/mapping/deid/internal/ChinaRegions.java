package org.patientvault.mapping.deid.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Province to region (华北, 东北, 华东, 华中, 华南, 西南, 西北, 港澳台) from {@code deid/china-regions.tsv}. A province is
 * recognised by its GB/T 2260 code (2 or 6 digits), its Chinese name with or without the 省/市/自治区 suffix, or its
 * pinyin. Immutable after loading; lookups are a linear scan of 34 rows.
 */
public final class ChinaRegions {
    /** Region given to a province that is not recognised: generalising it further reveals nothing. */
    public static final String UNKNOWN = "unknown";

    private record Row(String code, String name, String pinyin, String region) {
    }

    private static final List<Row> ROWS = load();

    private ChinaRegions() {
    }

    private static List<Row> load() {
        List<Row> rows = new ArrayList<>();
        try (InputStream in = ChinaRegions.class.getResourceAsStream("/deid/china-regions.tsv")) {
            if (in == null) {
                throw new IllegalStateException("deid/china-regions.tsv is missing from the classpath");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                rows.add(new Row(f[0], f[1], f[2].toLowerCase(Locale.ROOT), f[3]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(rows);
    }

    /** The region of {@code province}, or {@link #UNKNOWN}. */
    public static String regionOf(String province) {
        if (province == null || province.isBlank()) {
            return UNKNOWN;
        }
        String p = province.strip();
        String lower = p.toLowerCase(Locale.ROOT);
        for (Row row : ROWS) {
            if ((p.length() == 2 || p.length() == 6) && p.startsWith(row.code) && p.chars().allMatch(Character::isDigit)
                    || p.startsWith(row.name) || lower.equals(row.pinyin)) {
                return row.region;
            }
        }
        return UNKNOWN;
    }
}
