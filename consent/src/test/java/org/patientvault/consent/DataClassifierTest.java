package org.patientvault.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.junit.jupiter.api.Test;

class DataClassifierTest {

    static Observation obs(String category) {
        Observation o = new Observation();
        if (category != null) {
            o.addCategory(new CodeableConcept(new Coding(DataClassifier.OBS_CATEGORY, category, null)));
        }
        o.setEffective(new DateTimeType("2023-04-05T06:07:08Z"));
        return o;
    }

    static DataClass cls(IBaseResource r) {
        return DataClassifier.classify(r).dataClass();
    }

    @Test
    void observationsByCategory() {
        assertThat(cls(obs("laboratory"))).isEqualTo(DataClass.LABORATORY);
        assertThat(cls(obs("vital-signs"))).isEqualTo(DataClass.VITAL_SIGNS);
        assertThat(cls(obs("exam"))).isEqualTo(DataClass.CHECKUP);
        assertThat(cls(obs("survey"))).isEqualTo(DataClass.CHECKUP);
        assertThat(cls(obs("imaging"))).isEqualTo(DataClass.IMAGING);
        assertThat(cls(obs(null))).isEqualTo(DataClass.CHECKUP);
        assertThat(DataClassifier.classify(obs("laboratory")).recordDate()).isEqualTo(Instant.parse("2023-04-05T06:07:08Z"));
        Observation issuedOnly = obs("laboratory").setEffective(null);
        issuedOnly.setIssuedElement(new org.hl7.fhir.r4.model.InstantType("2022-01-02T03:04:05Z"));
        assertThat(DataClassifier.classify(issuedOnly).recordDate()).isEqualTo(Instant.parse("2022-01-02T03:04:05Z"));
    }

    @Test
    void diagnosticReportsBySection() {
        DiagnosticReport lab = new DiagnosticReport();
        lab.addCategory(new CodeableConcept(new Coding(DataClassifier.V2_0074, "LAB", null)));
        DiagnosticReport rad = new DiagnosticReport();
        rad.addCategory(new CodeableConcept(new Coding(DataClassifier.V2_0074, "RAD", null)));
        rad.setEffective(new Period().setStartElement(new DateTimeType("2021-02-03")));
        assertThat(cls(lab)).isEqualTo(DataClass.LABORATORY);
        assertThat(cls(rad)).isEqualTo(DataClass.IMAGING);
        assertThat(DataClassifier.classify(rad).recordDate()).isEqualTo(Instant.parse("2021-02-03T00:00:00Z"));
        assertThat(cls(new DiagnosticReport())).isEqualTo(DataClass.DOCUMENTS);
    }

    @Test
    void imagingStudyCollectsStudyAndSeriesModalities() {
        ImagingStudy s = new ImagingStudy();
        s.addModality(new Coding(ConsentCodes.DICOM_SYSTEM, "CT", null));
        s.addSeries().setModality(new Coding(ConsentCodes.DICOM_SYSTEM, "CT", null));
        s.addSeries().setModality(new Coding(ConsentCodes.DICOM_SYSTEM, "SR", null));
        s.setStartedElement(new DateTimeType("2023-05-06T07:08:09Z"));
        ResourceFacts f = DataClassifier.classify(s);
        assertThat(f.dataClass()).isEqualTo(DataClass.IMAGING);
        assertThat(f.modalities()).containsExactly("CT", "SR");
        assertThat(f.recordDate()).isEqualTo(Instant.parse("2023-05-06T07:08:09Z"));
        assertThat(DataClassifier.classify(new ImagingStudy()).modalities()).isEmpty();
    }

    @Test
    void otherClinicalTypes() {
        Condition c = new Condition();
        c.setRecordedDateElement(new DateTimeType("2020-01-01"));
        assertThat(cls(c)).isEqualTo(DataClass.CONDITIONS);
        assertThat(DataClassifier.classify(c, ZoneId.of("Asia/Shanghai")).recordDate())
                .isEqualTo(Instant.parse("2019-12-31T16:00:00Z"));
        assertThat(cls(new AllergyIntolerance())).isEqualTo(DataClass.CONDITIONS);
        assertThat(cls(new MedicationRequest())).isEqualTo(DataClass.MEDICATIONS);
        assertThat(cls(new MedicationStatement())).isEqualTo(DataClass.MEDICATIONS);
        assertThat(cls(new Immunization())).isEqualTo(DataClass.MEDICATIONS);
        assertThat(cls(new DocumentReference())).isEqualTo(DataClass.DOCUMENTS);
        assertThat(cls(new Binary())).isEqualTo(DataClass.DOCUMENTS);
        assertThat(cls(new Media())).isEqualTo(DataClass.DOCUMENTS);
        assertThat(cls(new Encounter())).isNull();
        assertThat(DataClassifier.classify(new Binary()).recordDate()).isNull();
        assertThatThrownBy(() -> DataClassifier.classify(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
