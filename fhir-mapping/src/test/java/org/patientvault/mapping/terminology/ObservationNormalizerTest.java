package org.patientvault.mapping.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;

class ObservationNormalizerTest {

    static final FhirContext CTX = FhirContext.forR4Cached();
    static final TerminologyMaps STARTER = TerminologyMaps.starter(CTX);
    static final String LOCAL = "https://clinic.example.cn/codes";
    final ObservationNormalizer normalizer = new ObservationNormalizer(STARTER, UcumUnits.standard());

    static Observation obs(String code, String display, String value, String unit) {
        Observation o = new Observation();
        o.getCode().addCoding().setSystem(LOCAL).setCode(code).setDisplay(display);
        if (value != null) {
            Quantity q = new Quantity().setValue(new BigDecimal(value));
            if (unit != null) {
                q.setUnit(unit);
            }
            o.setValue(q);
        }
        return o;
    }

    @Test
    void addsLoincBesideTheOriginalAndConvertsKeepingTheOriginalQuantity() {
        Observation o = obs("GLU", "空腹血糖", "5.6", "mmol/l");
        o.addReferenceRange().setLow(simple("3.9", "mmol/l")).setHigh(simple("6.1", "mmol/l"));
        TerminologyReport r = normalizer.normalize(o);

        assertThat(r.loincCode()).isEqualTo("2345-7");
        assertThat(r.codeAdded()).isTrue();
        assertThat(r.unitOutcome()).isEqualTo(TerminologyReport.UnitOutcome.CONVERTED);
        List<Coding> codings = o.getCode().getCoding();
        assertThat(codings).hasSize(2);
        assertThat(codings.get(0).getSystem()).isEqualTo(LOCAL);
        assertThat(codings.get(0).getCode()).isEqualTo("GLU");
        assertThat(codings.get(1).getSystem()).isEqualTo("http://loinc.org");
        assertThat(codings.get(1).getExtensionByUrl(ObservationNormalizer.MAPPED_BY)).isNotNull();

        Quantity q = o.getValueQuantity();
        assertThat(q.getValue()).isEqualByComparingTo("101");
        assertThat(q.getSystem()).isEqualTo(UcumUnits.UCUM_SYSTEM);
        assertThat(q.getCode()).isEqualTo("mg/dL");
        Quantity original = (Quantity) q.getExtensionByUrl(ObservationNormalizer.ORIGINAL_QUANTITY).getValue();
        assertThat(original.getValue()).isEqualByComparingTo("5.6");
        assertThat(original.getUnit()).isEqualTo("mmol/l");
        assertThat(o.getReferenceRangeFirstRep().getLow().getValue()).isEqualByComparingTo("70.3");
        assertThat(o.getReferenceRangeFirstRep().getHigh().getValue()).isEqualByComparingTo("110");
        assertThat(((Quantity) o.getReferenceRangeFirstRep().getHigh()
                .getExtensionByUrl(ObservationNormalizer.ORIGINAL_QUANTITY).getValue()).getValue())
                .isEqualByComparingTo("6.1");
    }

    @Test
    void isIdempotent() {
        Observation o = obs("CREA", "肌酐", "88.4", "µmol/L");
        normalizer.normalize(o);
        String first = CTX.newJsonParser().encodeResourceToString(o);
        TerminologyReport again = normalizer.normalize(o);
        assertThat(CTX.newJsonParser().encodeResourceToString(o)).isEqualTo(first);
        assertThat(again.codeAdded()).isFalse();
        assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("1.000");
    }

    @Test
    void nameOnlyInTextIsMapped() {
        Observation o = new Observation();
        o.getCode().setText("谷丙转氨酶");
        o.setValue(new Quantity().setValue(new BigDecimal("35")).setUnit("U/L"));
        TerminologyReport r = normalizer.normalize(o);
        assertThat(r.loincCode()).isEqualTo("1742-6");
        assertThat(r.unitOutcome()).isEqualTo(TerminologyReport.UnitOutcome.SPELLING_NORMALIZED);
        assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("35");
    }

    @Test
    void unmappedCodeIsReportedNotThrown() {
        Observation o = obs("X-42", "神秘检查", "1.0", "mg/dL");
        TerminologyReport r = normalizer.normalize(o);
        assertThat(r.loincCode()).isNull();
        assertThat(r.unmapped()).containsExactly(new TerminologyUnmappedCode(LOCAL, "X-42", "神秘检查"));
        assertThat(r.unitOutcome()).isEqualTo(TerminologyReport.UnitOutcome.NO_LOINC);
        assertThat(o.getCode().getCoding()).hasSize(1);
        assertThat(o.getValueQuantity().getExtension()).isEmpty();
    }

    @Test
    void existingLoincIsKeptAndOnlyTheUnitIsHandled() {
        Observation o = new Observation();
        o.getCode().addCoding().setSystem("http://loinc.org").setCode("2093-3");
        o.setValue(new Quantity().setValue(new BigDecimal("5.2")).setSystem(UcumUnits.UCUM_SYSTEM).setCode("mmol/L"));
        TerminologyReport r = normalizer.normalize(o);
        assertThat(r.codeAdded()).isFalse();
        assertThat(o.getCode().getCoding()).hasSize(1);
        assertThat(o.getValueQuantity().getValue()).isEqualByComparingTo("201");
    }

    @Test
    void qualitativeAndUnknownUnitsAreLeftAlone() {
        Observation text = obs("尿蛋白", null, null, null);
        text.setValue(new StringType("阴性"));
        assertThat(normalizer.normalize(text).unitOutcome()).isEqualTo(TerminologyReport.UnitOutcome.NO_QUANTITY);
        assertThat(text.getCode().getCoding()).extracting(Coding::getCode).contains("20454-5");

        Observation odd = obs("GLU", null, "5.6", "bananas");
        assertThat(normalizer.normalize(odd).unitOutcome()).isEqualTo(TerminologyReport.UnitOutcome.UNKNOWN_UNIT);
        assertThat(odd.getValueQuantity().getValue()).isEqualByComparingTo("5.6");
        assertThat(odd.getValueQuantity().getUnit()).isEqualTo("bananas");
    }

    @Test
    void unitlessPhGetsItsCanonicalUnit() {
        Observation o = obs("PH", "尿pH", "6.0", null);
        assertThat(normalizer.normalize(o).unitOutcome()).isEqualTo(TerminologyReport.UnitOutcome.SPELLING_NORMALIZED);
        assertThat(o.getValueQuantity().getCode()).isEqualTo("[pH]");
    }

    @Test
    void hospitalMapTakesPrecedenceForItsOwnSystemOnly() {
        ConceptMap mine = new ConceptMap();
        mine.setUrl("https://clinic.example.cn/ConceptMap/lab");
        ConceptMap.ConceptMapGroupComponent g = mine.addGroup().setSource(LOCAL).setTarget("http://loinc.org");
        g.addElement().setCode("GLU").addTarget().setCode("1558-6").setEquivalence(ConceptMapEquivalence.EQUIVALENT);
        g.addElement().setCode("K9").addTarget().setCode("2823-3").setEquivalence(ConceptMapEquivalence.EQUIVALENT);
        g.addElement().setCode("NOPE").addTarget().setCode("1-8").setEquivalence(ConceptMapEquivalence.UNMATCHED);
        TerminologyMaps maps = STARTER.withHospitalMaps(List.of(mine));
        assertThat(maps.lookup(LOCAL, "GLU", null)).map(TerminologyMatch::loincCode).contains("1558-6");
        assertThat(maps.lookup("https://other.example/codes", "GLU", null)).map(TerminologyMatch::loincCode).contains("2345-7");
        assertThat(maps.lookup(LOCAL, "K9", null)).map(TerminologyMatch::conceptMapUrl).contains(mine.getUrl());
        assertThat(maps.lookup(LOCAL, "NOPE", null)).isEmpty();
        assertThat(STARTER.lookup(LOCAL, "K9", null)).as("starter unchanged").isEmpty();
    }

    @Test
    void conflictingHospitalMapIsRejected() {
        ConceptMap bad = new ConceptMap();
        bad.setUrl("https://clinic.example.cn/ConceptMap/bad");
        ConceptMap.ConceptMapGroupComponent g = bad.addGroup().setSource(LOCAL).setTarget("http://loinc.org");
        g.addElement().setCode("GLU").addTarget().setCode("1558-6").setEquivalence(ConceptMapEquivalence.EQUIVALENT);
        g.addElement().setCode("GLU").addTarget().setCode("2345-7").setEquivalence(ConceptMapEquivalence.EQUIVALENT);
        assertThatThrownBy(() -> TerminologyMaps.validate(bad)).isInstanceOf(TerminologyMapException.class)
                .hasMessageContaining("GLU").hasMessageContaining(bad.getUrl());
    }

    private static org.hl7.fhir.r4.model.SimpleQuantity simple(String v, String unit) {
        org.hl7.fhir.r4.model.SimpleQuantity q = new org.hl7.fhir.r4.model.SimpleQuantity();
        q.setValue(new BigDecimal(v));
        q.setUnit(unit);
        return q;
    }
}
