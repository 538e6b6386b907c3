package org.patientvault.mapping.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QualityWeightsTest {
    private static final String VALID = """
            category.conformance=0.3
            category.completeness=0.35
            category.plausibility=0.35
            severity.error=0.6
            severity.warning=0.3
            severity.information=0.05
            """;

    private static QualityWeights load(String text) {
        return QualityWeights.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.properties");
    }

    @Test
    void defaultFileLoadsWithDocumentedValues() {
        QualityWeights w = QualityWeights.defaults();
        assertThat(w.categoryWeight(QualityCategory.CONFORMANCE)).isEqualTo(0.30);
        assertThat(w.severityPenalty(QualitySeverity.ERROR)).isEqualTo(0.60);
        assertThat(w.severityPenalty(QualitySeverity.WARNING)).isEqualTo(0.30);
        assertThat(w.resourceWeight("ImagingStudy")).isEqualTo(1.5);
        assertThat(w.resourceWeight("Specimen")).isEqualTo(1.0);
        assertThat(w.severityOverride("conf.standard-coding")).isEmpty();
    }

    @Test
    void overridesAndResourceWeightsAreRead() {
        QualityWeights w = load(VALID + "resource.default=2\nresource.Patient=0.5\ncheck.conf.mrn-identifier.severity=information\n");
        assertThat(w.resourceWeight("Patient")).isEqualTo(0.5);
        assertThat(w.resourceWeight("Observation")).isEqualTo(2.0);
        assertThat(w.severityOverride("conf.mrn-identifier")).contains(QualitySeverity.INFORMATION);
    }

    @Test
    void missingKeyIsNamed() {
        assertThatThrownBy(() -> load(VALID.replace("severity.warning=0.3\n", "")))
                .isInstanceOf(QualityConfigurationException.class)
                .hasMessageContaining("test.properties").hasMessageContaining("severity.warning");
    }

    @Test
    void penaltyOfOneIsRefusedBecauseFurtherDefectsWouldNotCount() {
        assertThatThrownBy(() -> load(VALID.replace("severity.error=0.6", "severity.error=1.0")))
                .isInstanceOf(QualityConfigurationException.class).hasMessageContaining("severity.error");
    }

    @Test
    void malformedValuesAndUnknownKeysAreRefused() {
        assertThatThrownBy(() -> load(VALID.replace("0.35\ncategory.plausibility", "abc\ncategory.plausibility")))
                .isInstanceOf(QualityConfigurationException.class).hasMessageContaining("category.completeness")
                .hasMessageContaining("abc");
        assertThatThrownBy(() -> load(VALID + "weight.foo=1\n"))
                .isInstanceOf(QualityConfigurationException.class).hasMessageContaining("weight.foo");
        assertThatThrownBy(() -> load(VALID + "check.x.severity=fatalish\n"))
                .isInstanceOf(QualityConfigurationException.class).hasMessageContaining("fatalish");
        assertThatThrownBy(() -> load(VALID.replace("category.conformance=0.3", "category.conformance=-1")))
                .isInstanceOf(QualityConfigurationException.class).hasMessageContaining("outside");
    }

    @Test
    void severityOverrideChangesTheIssueAndTheScore() {
        QualityCorpus c = QualityCorpus.clean(1).apply(QualityCorpus.Defect.MRN_WITHOUT_ASSIGNER, null);
        QualityReport normal = QualityScorer.withDefaults().score(c.bundle(), c.context());
        QualityWeights lenient = load(VALID + "check.conf.mrn-identifier.severity=information\n");
        QualityReport relaxed = new QualityScorer(QualityChecks.defaults(), lenient).score(c.bundle(), c.context());
        assertThat(relaxed.issues()).singleElement().extracting(QualityIssue::severity)
                .isEqualTo(QualitySeverity.INFORMATION);
        assertThat(relaxed.score()).isGreaterThan(normal.score()).isLessThan(1.0);
    }
}
