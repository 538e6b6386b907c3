package org.patientvault.mapping.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.patientvault.mapping.quality.QualityCorpus.Defect;

/**
 * Evidence that the score measures quality: the clean corpus has no issue and scores 1; every injected defect is
 * found by its intended check and by no other; clean ranks above every defective variant; more defects score lower.
 * The monotonicity property lives in {@link QualityMonotonicityPropertyTest}.
 */
class QualityEvidenceTest {
    private static final QualityScorer SCORER = QualityScorer.withDefaults();

    private static QualityReport score(QualityCorpus c) {
        QualityReport r = SCORER.score(c.bundle(), c.context());
        assertThat(r.checkFailures()).isEmpty();
        return r;
    }

    private static Set<String> checkIds(QualityReport r) {
        return r.issues().stream().map(QualityIssue::checkId).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void cleanCheckupHasNoIssueAndScoresOne() {
        QualityCorpus clean = QualityCorpus.clean(1);
        QualityReport r = score(clean);
        assertThat(r.issues()).as("issues of the clean corpus").isEmpty();
        assertThat(r.score()).isEqualTo(1.0);
        assertThat(r.resources()).hasSize(clean.resources.size()).allSatisfy(x -> assertThat(x.score()).isEqualTo(1.0));
    }

    @ParameterizedTest
    @EnumSource(Defect.class)
    void eachDefectIsFoundByItsIntendedCheckOnlyAndLowersTheScore(Defect defect) {
        double clean = score(QualityCorpus.clean(7)).score();
        QualityCorpus c = QualityCorpus.clean(7).apply(defect, SCORER);
        QualityReport r = score(c);
        assertThat(checkIds(r)).as("checks firing for %s", defect).containsExactly(defect.expectedCheck);
        assertThat(r.score()).as("score with %s vs clean", defect).isLessThan(clean);
    }

    @Test
    void defectsAreReportedAtTheirLocations() {
        QualityCorpus c = QualityCorpus.clean(3);
        for (Defect d : List.of(Defect.MISSING_UNIT, Defect.IMPLAUSIBLE_GLUCOSE, Defect.BAD_RESIDENT_ID,
                Defect.DANGLING_REFERENCE, Defect.MISSING_CT_TAGS, Defect.FUTURE_DATE, Defect.VALIDATION_ERROR)) {
            c.apply(d, SCORER);
        }
        QualityReport r = score(c);
        int alt = c.index.get("alt");
        int glucose = c.index.get("glucose");
        assertThat(r.issues()).extracting(QualityIssue::checkId, QualityIssue::submissionLocation).contains(
                org.assertj.core.groups.Tuple.tuple(QualityChecks.OBSERVATION_UNIT,
                        "Bundle.entry[" + alt + "].resource.valueQuantity.unit"),
                org.assertj.core.groups.Tuple.tuple(QualityChecks.VALUE_RANGE,
                        "Bundle.entry[" + glucose + "].resource.valueQuantity.value"),
                org.assertj.core.groups.Tuple.tuple(QualityChecks.BASE_VALIDATION,
                        "Bundle.entry[" + glucose + "].resource.status"),
                org.assertj.core.groups.Tuple.tuple(QualityChecks.RESIDENT_ID,
                        "Bundle.entry[" + c.index.get("patient") + "].resource.identifier[0].value"),
                org.assertj.core.groups.Tuple.tuple(QualityChecks.REFERENCE_INTEGRITY,
                        "Bundle.entry[" + c.index.get("report") + "].resource.result[14]"),
                org.assertj.core.groups.Tuple.tuple(QualityChecks.DICOM_ACQUISITION,
                        "Bundle.entry[" + c.index.get("ct") + "].resource.series[0]"),
                org.assertj.core.groups.Tuple.tuple(QualityChecks.FUTURE_DATE,
                        "Bundle.entry[" + c.index.get("hba1c") + "].resource.effectiveDateTime"));
        assertThat(r.issues()).filteredOn(i -> i.checkId().equals(QualityChecks.VALUE_RANGE)).singleElement()
                .satisfies(i -> assertThat(i.location()).isEqualTo("Observation.valueQuantity.value"));
        assertThat(r.issues()).filteredOn(i -> i.checkId().equals(QualityChecks.DICOM_ACQUISITION)).singleElement()
                .satisfies(i -> assertThat(i.message()).contains("KVP", "ConvolutionKernel"));
        // national IDs never appear in messages
        String id = c.<org.hl7.fhir.r4.model.Patient>get("patient").getIdentifierFirstRep().getValue();
        assertThat(r.issues()).noneMatch(i -> i.message().contains(id));
    }

    @Test
    void moreDefectsScoreStrictlyLower() {
        QualityCorpus c = QualityCorpus.clean(11);
        double previous = score(c).score();
        for (Defect d : Defect.values()) {
            if (!d.inPlace()) {
                continue; // see birthDateFallsBackToTheResidentId for what a missing birth date can hide
            }
            c.apply(d, SCORER);
            double now = score(c).score();
            assertThat(now).as("after adding %s", d).isLessThan(previous);
            previous = now;
        }
    }

    @Test
    void birthDateFallsBackToTheResidentIdSoAMissingBirthDateDoesNotHideDatesBeforeBirth() {
        QualityCorpus c = QualityCorpus.clean(9).apply(Defect.BEFORE_BIRTH, SCORER);
        double before = score(c).score();
        c.apply(Defect.MISSING_BIRTH_DATE, SCORER);
        QualityReport r = score(c);
        assertThat(checkIds(r)).containsExactly(QualityChecks.PATIENT_BIRTH_DATE, QualityChecks.BEFORE_BIRTH);
        assertThat(r.score()).isLessThan(before);
        // the known limit: without a valid resident ID nothing tells the birth date, and the check cannot run
        c.apply(Defect.BAD_RESIDENT_ID, SCORER);
        assertThat(checkIds(score(c))).doesNotContain(QualityChecks.BEFORE_BIRTH);
    }

    @Test
    void withinSubmissionDuplicateFlagsOnlyTheLaterCopy() {
        QualityCorpus c = QualityCorpus.clean(5).apply(Defect.DUPLICATE_IN_SUBMISSION, SCORER);
        QualityReport r = score(c);
        assertThat(r.issues()).singleElement().satisfies(i -> {
            assertThat(i.checkId()).isEqualTo(QualityChecks.DUPLICATE);
            assertThat(i.resourceIndex()).isEqualTo(c.index.get("tg-copy"));
            assertThat(i.message()).contains("entry " + c.index.get("tg"));
        });
    }

    @Test
    void pregnancyTestOnAMaleIsFlagged() {
        QualityCorpus c = QualityCorpus.clean(2);
        org.hl7.fhir.r4.model.Observation preg = c.<org.hl7.fhir.r4.model.Observation>get("psa").copy();
        preg.setCode(QualityCorpus.loinc("2106-3", "Choriogonadotropin (pregnancy test) [Presence] in Urine"));
        preg.setValue(new org.hl7.fhir.r4.model.CodeableConcept().addCoding(
                new org.hl7.fhir.r4.model.Coding("http://snomed.info/sct", "260385009", "Negative")));
        preg.setReferenceRange(List.of());
        c.resources.add(preg);
        c.fullUrls.add("urn:uuid:6f1c2a10-4444-4000-8000-000000000001");
        QualityReport r = score(c);
        assertThat(checkIds(r)).containsExactly(QualityChecks.SEX_SPECIFIC);
    }
}
