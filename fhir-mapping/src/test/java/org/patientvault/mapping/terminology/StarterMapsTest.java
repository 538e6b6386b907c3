package org.patientvault.mapping.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.hl7.fhir.r4.model.ConceptMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ca.uhn.fhir.context.FhirContext;

class StarterMapsTest {

    static final FhirContext CTX = FhirContext.forR4Cached();
    static final TerminologyMaps MAPS = TerminologyMaps.starter(CTX);
    static final UcumUnits UNITS = UcumUnits.standard();

    @Test
    void everyStarterEntryRoundTripsAndHasAUnitTableEntry() {
        List<ConceptMap> maps = TerminologyMaps.starterConceptMaps(CTX);
        assertThat(maps).hasSize(7);
        int entries = 0;
        for (ConceptMap m : maps) {
            assertThat(m.getUrl()).startsWith("https://patientvault.org/fhir/ConceptMap/starter-");
            for (ConceptMap.ConceptMapGroupComponent g : m.getGroup()) {
                assertThat(g.getTarget()).isEqualTo("http://loinc.org");
                for (ConceptMap.SourceElementComponent e : g.getElement()) {
                    String loinc = e.getTargetFirstRep().getCode();
                    assertThat(loinc).as(e.getCode()).matches("\\d{1,6}-\\d");
                    assertThat(checkDigitOk(loinc)).as("LOINC mod-10 check digit of %s", loinc).isTrue();
                    // as a code of any local system, as a display, and in another case
                    assertThat(MAPS.lookup("urn:any", e.getCode(), null)).as(e.getCode())
                            .hasValueSatisfying(t -> assertThat(t.loincCode()).isEqualTo(loinc));
                    assertThat(MAPS.lookup(null, null, e.getCode())).map(TerminologyMatch::loincCode).contains(loinc);
                    assertThat(MAPS.lookup(null, e.getCode().toLowerCase(Locale.ROOT), null))
                            .map(TerminologyMatch::loincCode).contains(loinc);
                    assertThat(UNITS.canonicalUnit(loinc)).as("unit table has %s", loinc).isPresent();
                    entries++;
                }
            }
        }
        assertThat(entries).isGreaterThan(150);
    }

    /** LOINC check digit: Luhn-style mod 10 over the part before the hyphen. */
    static boolean checkDigitOk(String loinc) {
        String body = loinc.substring(0, loinc.indexOf('-'));
        int check = loinc.charAt(loinc.length() - 1) - '0';
        int sum = 0;
        boolean dbl = true;
        for (int i = body.length() - 1; i >= 0; i--) {
            int d = body.charAt(i) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return (10 - sum % 10) % 10 == check;
    }

    @Test
    void everyPanelOfTheIssueIsCovered() {
        Set<String> mapped = new HashSet<>();
        TerminologyMaps.starterConceptMaps(CTX).forEach(m -> m.getGroup().forEach(g -> g.getElement()
                .forEach(e -> mapped.add(e.getTargetFirstRep().getCode()))));
        assertThat(mapped).contains(
                "6690-2", "789-8", "718-7", "4544-3", "777-3", "787-2",           // CBC
                "1742-6", "1920-8", "1975-2", "1751-7", "2324-2", "6768-6",       // liver
                "2160-0", "3094-0", "22664-7", "3084-1",                          // renal
                "2093-3", "2571-8", "2085-9", "18262-6", "13457-7",               // lipids
                "2345-7", "1558-6", "4548-4",                                     // glucose, HbA1c
                "20454-5", "25428-4", "5803-2", "5811-5",                         // urinalysis
                "8480-6", "8462-4", "8302-2", "29463-7", "39156-5");              // vitals
    }

    @ParameterizedTest
    @CsvSource({"GLU, 2345-7", "空腹血糖, 1558-6", "谷丙转氨酶, 1742-6", "ALT, 1742-6", "WBC, 6690-2", "白细胞, 6690-2",
            "ｗｂｃ, 6690-2", "' 总胆固醇 ', 2093-3", "尿糖, 25428-4", "HbA1c, 4548-4", "收缩压, 8480-6", "BUN, 3094-0",
            "尿素, 22664-7", "LDL-C, 18262-6"})
    void namedTermsMapAsExpected(String term, String loinc) {
        assertThat(MAPS.lookup(null, term, null)).map(TerminologyMatch::loincCode).contains(loinc);
    }

    @Test
    void unknownTermIsNotMapped() {
        assertThat(MAPS.lookup("urn:x", "XYZ-UNKNOWN", "神秘检查")).isEmpty();
    }
}
