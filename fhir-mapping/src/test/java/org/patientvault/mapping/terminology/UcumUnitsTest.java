package org.patientvault.mapping.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UcumUnitsTest {

    static final UcumUnits UNITS = UcumUnits.standard();

    /** Known clinical equivalences, e.g. fasting glucose 7.0 mmol/L = 126 mg/dL (WHO diabetes cut-off). */
    @ParameterizedTest(name = "{0}: {1} {2} -> {3} {4}")
    @CsvSource({
            "1558-6, 7.0, mmol/L, 126, mg/dL",
            "2345-7, 5.6, mmol/L, 101, mg/dL",
            "2093-3, 5.2, mmol/L, 201, mg/dL",
            "2571-8, 1.7, mmol/L, 151, mg/dL",
            "2085-9, 1.0, mmol/L, 38.7, mg/dL",
            "18262-6, 3.4, mmol/L, 131, mg/dL",
            "2160-0, 88.4, umol/L, 1.000, mg/dL",
            "2160-0, 177, umol/L, 2.002, mg/dL",
            "3084-1, 420, umol/L, 7.061, mg/dL",
            "3094-0, 5.0, mmol/L, 14.0, mg/dL",
            "22664-7, 30, mg/dL, 5.00, mmol/L",
            "1975-2, 17.1, umol/L, 1.000, mg/dL",
            "718-7, 135, g/L, 13.50, g/dL",
            "1751-7, 42, g/L, 4.20, g/dL",
            "4544-3, 0.42, L/L, 42.0, %",
            "8302-2, 1.75, m, 175.0, cm",
            "29463-7, 130, [jin], 65.00, kg",
            "29463-7, 65.5E3, g, 65.50, kg",
            "8480-6, 16, kPa, 120, mm[Hg]",
            "6690-2, 6.5, 10*3/uL, 6.5, 10*9/L"})
    void convertsKnownValues(String loinc, String value, String from, String expected, String canonical) {
        assertThat(UNITS.canonicalUnit(loinc)).contains(canonical);
        BigDecimal out = UNITS.convert(loinc, new BigDecimal(value), from).orElseThrow();
        assertThat(out.toPlainString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"mmol/l, mmol/L", "µmol/L, umol/L", "μmol/L, umol/L", "umol/L, umol/L", "×10⁹/L, 10*9/L",
            "10^9/L, 10*9/L", "x10^12/L, 10*12/L", "g/l, g/L", "G/L, 10*9/L", "mmHg, mm[Hg]", "斤, [jin]",
            "' mg / dl ', mg/dL", "MG/DL, mg/dL", "kg/m², kg/m2", "IU/L, [IU]/L"})
    void localSpellingsBecomeUcum(String spelling, String ucum) {
        assertThat(UNITS.toUcum(spelling)).contains(ucum);
    }

    @Test
    void undefinedConversionsAreAbsent() {
        assertThat(UNITS.conversion("2345-7", "g")).isEmpty();
        assertThat(UNITS.conversion("4548-4", "mmol/mol")).as("IFCC to NGSP is affine, not a factor").isEmpty();
        assertThat(UNITS.conversion("20454-5", "mg/dL")).as("qualitative").isEmpty();
        assertThat(UNITS.toUcum("bananas")).isEmpty();
    }

    @Test
    void sameUnitIsIdentity() {
        assertThat(UNITS.conversion("2345-7", "mg/dL")).hasValueSatisfying(c -> assertThat(c.isIdentity()).isTrue());
    }
}
