package org.patientvault.mapping.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;
import org.junit.jupiter.api.Test;

class QualityScorerTest {
    private static final QualityScorer SCORER = QualityScorer.withDefaults();

    private static Observation glucose(String value, String unit) {
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(QualityCorpus.loinc("2345-7", "Glucose"));
        o.setSubject(new Reference("Patient/p1"));
        o.setEffective(new DateTimeType("2026-11-20T08:30:00+08:00"));
        o.setValue(new Quantity().setValue(new BigDecimal(value)).setUnit(unit)
                .setSystem("http://unitsofmeasure.org").setCode(unit));
        return o;
    }

    private static Patient patient(String id) {
        Patient p = new Patient();
        p.setId(id);
        p.setGender(AdministrativeGender.FEMALE);
        p.setBirthDateElement(new DateType("1990-02-03"));
        return p;
    }

    private static Set<String> ids(QualityReport r) {
        return new java.util.TreeSet<>(r.issues().stream().map(QualityIssue::checkId).toList());
    }

    @Test
    void listModeResolvesRelativeReferencesAndUsesResourceRelativeLocations() {
        QualityReport r = SCORER.score(List.of(patient("p1"), glucose("100", "mg/dL")), QualityContext.of(QualityCorpus.NOW));
        assertThat(r.fromBundle()).isFalse();
        assertThat(ids(r)).isEmpty();
        Observation dangling = glucose("100", "mg/dL");
        dangling.setSubject(new Reference("Patient/nobody"));
        QualityReport bad = SCORER.score(List.of(patient("p1"), dangling), QualityContext.of(QualityCorpus.NOW));
        assertThat(bad.issues()).singleElement().satisfies(i -> {
            assertThat(i.checkId()).isEqualTo(QualityChecks.REFERENCE_INTEGRITY);
            assertThat(i.location()).isEqualTo("Observation.subject");
            assertThat(i.submissionLocation()).isEqualTo("Observation.subject");
        });
        QualityContext withVault = QualityContext.builder(QualityCorpus.NOW)
                .referenceResolver("Patient/nobody"::equals).build();
        assertThat(SCORER.score(List.of(patient("p1"), dangling), withVault).issues()).isEmpty();
    }

    @Test
    void unitsAreConvertedBeforeTheRangeCheck() {
        QualityContext ctx = QualityContext.of(QualityCorpus.NOW);
        // 2345-7 is a mass concentration, but mmol/L is accepted and converted (Chinese labs report it so)
        assertThat(ids(SCORER.score(List.of(patient("p1"), glucose("5.6", "mmol/L")), ctx))).isEmpty();
        assertThat(ids(SCORER.score(List.of(patient("p1"), glucose("5.6", "mmol/l")), ctx))).isEmpty();
        assertThat(ids(SCORER.score(List.of(patient("p1"), glucose("80", "mmol/L")), ctx)))
                .containsExactly(QualityChecks.VALUE_RANGE);
        assertThat(ids(SCORER.score(List.of(patient("p1"), glucose("1441", "mg/dL")), ctx)))
                .containsExactly(QualityChecks.VALUE_RANGE);
        assertThat(ids(SCORER.score(List.of(patient("p1"), glucose("5.6", "mm[Hg]")), ctx)))
                .containsExactly(QualityChecks.UNIT_ANALYTE);
    }

    @Test
    void unitTextWithoutUcumIsNonStandardButNotMissing() {
        Observation o = glucose("100", "mg/dL");
        o.getValueQuantity().setSystem(null).setCode(null);
        QualityReport r = SCORER.score(List.of(patient("p1"), o), QualityContext.of(QualityCorpus.NOW));
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.checkId()).isEqualTo(QualityChecks.STANDARD_CODING);
            assertThat(i.location()).isEqualTo("Observation.valueQuantity.system");
            assertThat(i.extent()).isEqualTo(0.5);
        });
    }

    @Test
    void datesAreComparedByPrecision() {
        QualityContext ctx = QualityContext.of(QualityCorpus.NOW); // 2026-11-28T06:00Z
        Observation today = glucose("100", "mg/dL");
        today.setEffective(new DateTimeType("2026-11-28")); // already "today" in UTC+8
        Observation soon = glucose("100", "mg/dL");
        soon.setEffective(new DateTimeType("2026-11-28T06:03:00Z")); // within clock skew
        Observation later = glucose("100", "mg/dL");
        later.setEffective(new DateTimeType("2026-11-28T07:00:00Z"));
        Observation sameMonthAsBirth = glucose("100", "mg/dL");
        sameMonthAsBirth.setEffective(new DateTimeType("1990-02"));
        Observation beforeBirth = glucose("100", "mg/dL");
        beforeBirth.setEffective(new DateTimeType("1990-02-02T23:00:00+08:00"));
        QualityReport r = SCORER.score(List.of(patient("p1"), today, soon, later, sameMonthAsBirth, beforeBirth), ctx);
        assertThat(r.issues()).extracting(QualityIssue::resourceIndex, QualityIssue::checkId).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(3, QualityChecks.FUTURE_DATE),
                org.assertj.core.groups.Tuple.tuple(5, QualityChecks.BEFORE_BIRTH));
    }

    @Test
    void contextBirthDateAndGenderWinOverTheSubmission() {
        Observation psa = glucose("1.0", "ng/mL");
        psa.setCode(QualityCorpus.loinc("2857-1", "PSA"));
        QualityContext male = QualityContext.builder(QualityCorpus.NOW).gender(AdministrativeGender.MALE)
                .birthDate(java.time.LocalDate.of(2026, 11, 25)).build();
        QualityReport r = SCORER.score(List.of(patient("p1"), psa), male);
        // the submission says female, the vault says male: no sex-specific issue; the vault birth date is later
        assertThat(ids(r)).containsExactly(QualityChecks.BEFORE_BIRTH);
        assertThat(ids(SCORER.score(List.of(patient("p1"), psa), QualityContext.of(QualityCorpus.NOW))))
                .containsExactly(QualityChecks.SEX_SPECIFIC);
    }

    @Test
    void validationMessagesAreAttributedToTheirEntries() {
        QualityCorpus c = QualityCorpus.clean(1);
        c.validation.add(QualityValidationMessage.of("warning", "Bundle.entry[2].resource.ofType(Observation).code",
                "best practice advice"));
        c.validation.add(QualityValidationMessage.of("information", "Bundle.entry[2].resource", "fyi"));
        c.validation.add(QualityValidationMessage.of("warning", "Bundle.entry[3].resource",
                "Constraint failed: dom-6: 'A resource should have narrative for robust management'"));
        QualityReport r = SCORER.score(c.bundle(), c.context());
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.resourceIndex()).isEqualTo(2);
            assertThat(i.severity()).isEqualTo(QualitySeverity.INFORMATION);
            assertThat(i.location()).isEqualTo("Observation.code");
            assertThat(i.submissionLocation()).isEqualTo("Bundle.entry[2].resource.code");
        });
        QualityContext single = QualityContext.builder(QualityCorpus.NOW)
                .validationMessages(List.of(QualityValidationMessage.of("fatal", "Patient.gender", "bad code"))).build();
        assertThat(SCORER.score(List.of(patient("p1")), single).issues()).singleElement()
                .satisfies(i -> assertThat(i.severity()).isEqualTo(QualitySeverity.ERROR));
        assertThatThrownBy(() -> QualityValidationMessage.of("loud", "x", "y")).isInstanceOf(QualityInputException.class)
                .hasMessageContaining("loud");
    }

    @Test
    void mrAndUltrasoundAcquisitionRequirements() {
        ImagingStudy mr = new ImagingStudy();
        mr.setStatus(ImagingStudy.ImagingStudyStatus.AVAILABLE);
        mr.setSubject(new Reference("Patient/p1"));
        mr.setNumberOfSeries(2).setNumberOfInstances(40);
        mr.addSeries().setUid("1.2.3.1").setModality(new org.hl7.fhir.r4.model.Coding(
                "http://dicom.nema.org/resources/ontology/DCM", "MR", null))
                .setBodySite(new org.hl7.fhir.r4.model.Coding("http://snomed.info/sct", "12738006", "Brain"));
        mr.addSeries().setUid("1.2.3.2").setModality(new org.hl7.fhir.r4.model.Coding(
                "http://dicom.nema.org/resources/ontology/DCM", "US", null));
        QualityContext ctx = QualityContext.builder(QualityCorpus.NOW)
                .dicomAttributes("1.2.3.1", Map.of("MagneticFieldStrength", "3", "RepetitionTime", "2000",
                        "EchoTime", "30", "Manufacturer", "X", "ManufacturerModelName", "Y"))
                .dicomAttributes("1.2.3.2", Map.of("Manufacturer", "X", "ManufacturerModelName", "Y",
                        "TransducerType", "SECTOR"))
                .build();
        QualityReport r = SCORER.score(List.of(patient("p1"), mr), ctx);
        assertThat(r.issues()).filteredOn(i -> i.checkId().equals(QualityChecks.DICOM_ACQUISITION))
                .extracting(QualityIssue::location, QualityIssue::severity, QualityIssue::extent)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("ImagingStudy.series[0]", QualitySeverity.WARNING, 1.0 / 6),
                        org.assertj.core.groups.Tuple.tuple("ImagingStudy.series[1]", QualitySeverity.INFORMATION, 0.5));
        assertThat(r.issues()).filteredOn(i -> i.location().equals("ImagingStudy.series[0]")).singleElement()
                .satisfies(i -> assertThat(i.message()).contains("SequenceName"));
    }

    @Test
    void pluginChecksRunWithoutChangingTheScorerAndBrokenOnesAreIsolated() {
        QualityCheck terminology = new QualityCheck() {
            public String id() { return "conf.terminology-mapped"; }
            public QualityCategory category() { return QualityCategory.CONFORMANCE; }
            public QualitySeverity severity() { return QualitySeverity.WARNING; }
            public Set<ResourceType> appliesTo() { return Set.of(ResourceType.Observation); }
            public void evaluate(Resource r, QualityContext c, QualityIssueSink s) {
                if (c.input(new QualityContext.Key<>("unmapped", Set.class)).isPresent()) {
                    s.report("Observation.code", "local code could not be mapped");
                }
            }
        };
        QualityCheck broken = new QualityCheck() {
            public String id() { return "plaus.broken"; }
            public QualityCategory category() { return QualityCategory.PLAUSIBILITY; }
            public QualitySeverity severity() { return QualitySeverity.ERROR; }
            public Set<ResourceType> appliesTo() { return Set.of(); }
            public void evaluate(Resource r, QualityContext c, QualityIssueSink s) {
                throw new IllegalStateException("bug");
            }
        };
        QualityScorer scorer = new QualityScorer(QualityChecks.with(terminology, broken), QualityWeights.defaults());
        QualityContext ctx = QualityContext.builder(QualityCorpus.NOW)
                .input(new QualityContext.Key<>("unmapped", Set.class), Set.of("GLU")).build();
        QualityReport r = scorer.score(List.of(patient("p1"), glucose("100", "mg/dL")), ctx);
        assertThat(ids(r)).containsExactly("conf.terminology-mapped");
        assertThat(r.checkFailures()).containsExactly("plaus.broken@0: IllegalStateException",
                "plaus.broken@1: IllegalStateException");
        assertThatThrownBy(() -> new QualityScorer(QualityChecks.with(broken, broken), QualityWeights.defaults()))
                .isInstanceOf(QualityInputException.class).hasMessageContaining("plaus.broken");
    }

    @Test
    void referencesOfOtherTypesAreCheckedThroughTheTerser() {
        org.hl7.fhir.r4.model.Condition cond = new org.hl7.fhir.r4.model.Condition();
        cond.setSubject(new Reference("Patient/p1"));
        org.hl7.fhir.r4.model.MedicationStatement ms = new org.hl7.fhir.r4.model.MedicationStatement();
        ms.setSubject(new Reference("urn:uuid:6f1c2a10-0000-4000-8000-00000000dead"));
        QualityReport r = SCORER.score(List.of(patient("p1"), cond, ms), QualityContext.of(QualityCorpus.NOW));
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.checkId()).isEqualTo(QualityChecks.REFERENCE_INTEGRITY);
            assertThat(i.resourceIndex()).isEqualTo(2);
            assertThat(i.location()).isEqualTo("MedicationStatement");
        });
    }

    @Test
    void badInputGetsTypedExceptions() {
        List<Resource> withNull = new ArrayList<>();
        withNull.add(patient("p1"));
        withNull.add(null);
        assertThatThrownBy(() -> SCORER.score(withNull, QualityContext.of(QualityCorpus.NOW)))
                .isInstanceOf(QualityInputException.class).hasMessageContaining("entry 1");
        assertThatThrownBy(() -> SCORER.score((Bundle) null, QualityContext.of(QualityCorpus.NOW)))
                .isInstanceOf(QualityInputException.class);
        assertThatThrownBy(() -> QualityContext.builder(null)).isInstanceOf(QualityInputException.class);
        assertThatThrownBy(() -> QualityContext.builder(QualityCorpus.NOW).dicomAttributes(" ", Map.of()))
                .isInstanceOf(QualityInputException.class).hasMessageContaining("series");
        assertThat(SCORER.score(List.of(), QualityContext.of(QualityCorpus.NOW)).score()).isEqualTo(1.0);
    }

    @Test
    void bundleEntriesWithoutResourceAreSkippedButKeepTheirIndex() {
        QualityCorpus c = QualityCorpus.clean(1);
        Bundle b = c.bundle();
        b.getEntry().add(0, new Bundle.BundleEntryComponent().setRequest(
                new Bundle.BundleEntryRequestComponent().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Observation/x")));
        QualityReport r = SCORER.score(b, QualityContext.builder(QualityCorpus.NOW)
                .dicomAttributes(QualityCorpus.CT_SERIES_UID, c.dicom.get(QualityCorpus.CT_SERIES_UID)).build());
        assertThat(r.resources()).hasSize(c.resources.size());
        assertThat(r.resource(0)).isEmpty();
        assertThat(r.resource(1)).get().extracting(QualityResourceResult::resourceType).isEqualTo("Organization");
        assertThat(r.score()).isEqualTo(1.0);
    }

    /** Not an assertion on speed: prints the cost of scoring a 100-resource checkup Bundle for the report. */
    @Test
    void measureScoringCostOfAHundredResourceBundle() {
        QualityCorpus c = QualityCorpus.clean(1);
        Bundle b = c.bundle();
        while (b.getEntry().size() < 100) {
            Observation copy = ((Observation) c.get("glucose")).copy();
            copy.setEffective(new DateTimeType("2026-11-" + (10 + b.getEntry().size() % 15) + "T08:00:00+08:00"));
            b.addEntry().setFullUrl("urn:uuid:6f1c2a10-5555-4000-8000-" + String.format("%012d", b.getEntry().size()))
                    .setResource(copy);
        }
        QualityContext ctx = c.context();
        for (int i = 0; i < 200; i++) {
            SCORER.score(b, ctx);
        }
        int rounds = 300;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        long cpuStart = mx.getCurrentThreadCpuTime();
        QualityReport last = null;
        for (int i = 0; i < rounds; i++) {
            last = SCORER.score(b, ctx);
        }
        long wallMicros = (System.nanoTime() - start) / rounds / 1000;
        long cpuMicros = (mx.getCurrentThreadCpuTime() - cpuStart) / rounds / 1000;
        System.out.println("quality: scoring a " + b.getEntry().size() + "-resource bundle takes " + wallMicros
                + " us wall, " + cpuMicros + " us thread CPU (mean of " + rounds + " after warm-up)");
        assertThat(last.resources()).hasSize(100);
    }
}
