package org.patientvault.mapping.checkup.internal;

import java.util.List;

/** One CSV record with the 1-based line on which it starts. */
public record CsvRecord(int line, List<String> fields) {
    public CsvRecord {
        fields = List.copyOf(fields);
    }

    /** True when every field is empty after trimming (such lines are skipped). */
    public boolean isBlank() {
        return fields.stream().allMatch(String::isBlank);
    }
}
