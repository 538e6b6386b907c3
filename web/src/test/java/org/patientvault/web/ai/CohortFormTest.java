package org.patientvault.web.ai;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.patientvault.web.port.CohortConsole;

/** The cohort form's own checks: each problem named under its field, and a valid form read as the vault's draft. */
class CohortFormTest {

    private static CohortPages.Form form(String name, List<String> classes, List<String> modalities, String quality,
                                         String ageLow, String ageHigh, String start, String end, String criteria) {
        return new CohortPages.Form(name, criteria, classes, modalities, quality, ageLow, ageHigh, "", start, end,
                null, "Project", "");
    }

    @Test
    void everyInvalidFieldIsNamedWithItsMessage() {
        Map<String, String> errors = new LinkedHashMap<>();
        form(" ", List.of(), List.of("CT"), "1.5", "-1", "x", "2024-02-30", "2023-01-01",
                "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk").draft(errors);
        assertThat(errors).containsEntry("name", "cohort.error.name")
                .containsEntry("classes", "cohort.error.classes")
                .containsEntry("modalities", "cohort.error.modalities")
                .containsEntry("minQuality", "cohort.error.quality")
                .containsEntry("ageLow", "cohort.error.age")
                .containsEntry("ageHigh", "cohort.error.age")
                .containsEntry("periodStart", "cohort.error.date")
                .containsEntry("criteria", "cohort.error.criteria");

        Map<String, String> order = new LinkedHashMap<>();
        form("n", List.of("laboratory"), List.of(), "", "70", "40", "2025-01-01", "2024-01-01", "").draft(order);
        assertThat(order).containsOnlyKeys("ageHigh", "periodEnd");
    }

    @Test
    void aValidFormIsTheVaultsDraft() {
        Map<String, String> errors = new LinkedHashMap<>();
        CohortConsole.Draft d = form(" Chest CT ", List.of("imaging", "laboratory", "documents"), List.of("CT", "XX"),
                "0.8", "40", "70", "2020-01-01", "2027-01-01", "ImagingStudy?modality=CT\n\n  Patient?gender=female ")
                .draft(errors);
        assertThat(errors).isEmpty();
        assertThat(d.name()).isEqualTo("Chest CT");
        // Only offered classes and known modalities travel; documents are not offered for cohorts.
        assertThat(d.classes()).containsExactly("imaging", "laboratory");
        assertThat(d.modalities()).containsExactly("CT");
        assertThat(d.criteria()).containsExactly("ImagingStudy?modality=CT", "Patient?gender=female");
        assertThat(d.minQuality()).isEqualByComparingTo(new BigDecimal("0.8"));
        assertThat(d.ageLow()).isEqualTo(40);
        assertThat(d.ageHigh()).isEqualTo(70);
        assertThat(d.periodStart()).isEqualTo(LocalDate.of(2020, 1, 1));
        assertThat(d.purpose()).isEqualTo("ai-training");
        assertThat(d.crossBorder()).isFalse();
    }
}
