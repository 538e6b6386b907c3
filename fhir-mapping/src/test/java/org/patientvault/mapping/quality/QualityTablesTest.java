package org.patientvault.mapping.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.junit.jupiter.api.Test;

class QualityTablesTest {
    @Test
    void analyteTableCoversTheCheckupAnalytesWithConversions() {
        AnalyteTable t = AnalyteTable.load();
        for (String loinc : List.of("2345-7", "14749-6", "4548-4", "1742-6", "1920-8", "2160-0", "14682-9", "2093-3",
                "2571-8", "2085-9", "13457-7", "6690-2", "789-8", "718-7", "777-3", "8480-6", "8462-4", "8302-2",
                "29463-7", "39156-5")) {
            assertThat(t.byLoinc(loinc)).as(loinc).isPresent();
        }
        AnalyteTable.Analyte glucose = t.byLoinc("2345-7").orElseThrow();
        assertThat(glucose.canonicalUnit()).isEqualTo("mg/dL");
        assertThat(glucose.factor("mmol/L")).contains(18.016);
        assertThat(glucose.factor("MMOL/L")).contains(18.016);
        assertThat(glucose.factor("kg")).isEmpty();
        // conversions in both directions agree to 0.1 %
        double toMmol = t.byLoinc("14749-6").orElseThrow().factor("mg/dL").orElseThrow();
        assertThat(toMmol * 18.016).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.001));
        double cholToMmol = t.byLoinc("14647-2").orElseThrow().factor("mg/dL").orElseThrow();
        assertThat(cholToMmol * t.byLoinc("2093-3").orElseThrow().factor("mmol/L").orElseThrow())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.001));
        // every range contains the normal value of a healthy adult
        assertThat(t.byLoinc("8302-2").orElseThrow().max()).isGreaterThan(172).isLessThan(1700);
    }

    @Test
    void sexSpecificAndDicomTablesLoad() {
        SexSpecificTable s = SexSpecificTable.load();
        assertThat(s.lookup("http://loinc.org", "2857-1")).get().extracting(SexSpecificTable.Entry::sex)
                .isEqualTo(AdministrativeGender.MALE);
        assertThat(s.lookup("http://loinc.org", "2106-3")).get().extracting(SexSpecificTable.Entry::sex)
                .isEqualTo(AdministrativeGender.FEMALE);
        assertThat(s.lookup("http://loinc.org", "2345-7")).isEmpty();
        DicomRequirements d = DicomRequirements.load();
        assertThat(d.required("CT")).extracting(DicomRequirements.Requirement::label).containsExactly(
                "SliceThickness", "KVP", "ConvolutionKernel", "PixelSpacing", "Manufacturer", "ManufacturerModelName");
        assertThat(d.recommended("US")).extracting(DicomRequirements.Requirement::label)
                .containsExactly("TransducerData|TransducerType", "TransducerFrequency");
        assertThat(d.required("XA")).isEmpty();
    }

    @Test
    void baseValidationLocationsBecomeResourceRelative() {
        assertThat(BaseValidationCheck.relative("Observation", "Bundle.entry[3].resource.status"))
                .isEqualTo("Observation.status");
        assertThat(BaseValidationCheck.relative("Observation", "Bundle.entry[3].resource/*Observation/null*/.code"))
                .isEqualTo("Observation.code");
        assertThat(BaseValidationCheck.relative("Observation", "Bundle.entry[3].resource")).isEqualTo("Observation");
        assertThat(BaseValidationCheck.relative("Patient", "Patient.gender")).isEqualTo("Patient.gender");
        assertThat(BaseValidationCheck.relative("Patient", "")).isEqualTo("Patient");
    }

    @Test
    void typedTailHandlesAbsoluteAndVersionedReferences() {
        assertThat(SubmissionIndex.typedTail("https://h.example.org/fhir/Patient/7/_history/2")).isEqualTo("Patient/7");
        assertThat(SubmissionIndex.typedTail("Patient/7")).isEqualTo("Patient/7");
        assertThat(SubmissionIndex.typedTail("urn:uuid:abc")).isNull();
        assertThat(SubmissionIndex.typedTail("#c1")).isNull();
    }
}
