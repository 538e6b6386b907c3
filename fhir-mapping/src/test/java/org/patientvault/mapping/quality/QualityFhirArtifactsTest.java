package org.patientvault.mapping.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

/** The published SearchParameter and StructureDefinition, the score extension and the OperationOutcome receipt. */
class QualityFhirArtifactsTest {
    private static final FhirContext FHIR = FhirContext.forR4Cached();

    private static String resource(String path) throws IOException {
        try (InputStream in = QualityFhirArtifactsTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void searchParameterParsesAndItsExpressionFindsTheStampedScoreOnEveryBase() throws IOException {
        SearchParameter sp = FHIR.newJsonParser().parseResource(SearchParameter.class,
                resource("quality/SearchParameter-quality.json"));
        assertThat(sp.getCode()).isEqualTo("quality");
        assertThat(sp.getType()).isEqualTo(SearchParamType.NUMBER);
        assertThat(sp.getBase()).extracting(b -> b.getValue()).contains("Observation", "DiagnosticReport",
                "ImagingStudy", "Patient");
        // HAPI's FHIRPath engine needs the UCUM library, which this module does not ship; so the expression is
        // checked structurally here (one branch per base, each on the extension URL) and end-to-end in vault-api.
        List<String> branches = List.of(sp.getExpression().split(" \\| "));
        assertThat(branches).hasSameSizeAs(sp.getBase());
        for (int i = 0; i < branches.size(); i++) {
            assertThat(branches.get(i)).isEqualTo(sp.getBase().get(i).getValue() + ".extension('"
                    + QualityScoreExtension.URL + "').value.ofType(decimal)");
        }
        Observation o = new Observation();
        QualityScoreExtension.stamp(o, 0.87349);
        assertThat(o.getExtensionByUrl(QualityScoreExtension.URL).getValue()).isInstanceOfSatisfying(DecimalType.class,
                d -> assertThat(d.getValue().toPlainString()).isEqualTo("0.873"));
    }

    @Test
    void structureDefinitionParsesAndNamesTheExtensionUrl() throws IOException {
        StructureDefinition sd = FHIR.newJsonParser().parseResource(StructureDefinition.class,
                resource("quality/StructureDefinition-quality-score.json"));
        assertThat(sd.getUrl()).isEqualTo(QualityScoreExtension.URL);
        assertThat(sd.getType()).isEqualTo("Extension");
        assertThat(sd.getDifferential().getElement()).anySatisfy(e -> {
            assertThat(e.getPath()).isEqualTo("Extension.value[x]");
            assertThat(e.getTypeFirstRep().getCode()).isEqualTo("decimal");
        });
    }

    @Test
    void stampingReplacesAndRoundsAndBundleScoreLivesInMeta() {
        Observation o = new Observation();
        QualityScoreExtension.stamp(o, 0.5);
        QualityScoreExtension.stamp(o, 0.12351);
        assertThat(o.getExtension()).hasSize(1);
        assertThat(QualityScoreExtension.read(o)).hasValue(0.124);
        Bundle b = new Bundle();
        QualityScoreExtension.stamp(b, 0.9);
        assertThat(b.getMeta().getExtensionByUrl(QualityScoreExtension.URL)).isNotNull();
        assertThat(QualityScoreExtension.read(b)).hasValue(0.9);
        assertThatThrownBy(() -> QualityScoreExtension.stamp(o, 1.2)).isInstanceOf(QualityInputException.class)
                .hasMessageContaining("1.2");
        String json = FHIR.newJsonParser().encodeResourceToString(b);
        assertThat(json).contains("\"meta\"").contains(QualityScoreExtension.URL).contains("0.900");
    }

    @Test
    void reportStampsEveryEntryAndTheBundle() {
        QualityCorpus c = QualityCorpus.clean(4).apply(QualityCorpus.Defect.MISSING_UNIT, null);
        Bundle bundle = c.bundle();
        QualityReport r = QualityScorer.withDefaults().score(bundle, c.context());
        r.stamp(bundle);
        int alt = c.index.get("alt");
        assertThat(QualityScoreExtension.read(bundle.getEntry().get(alt).getResource()).getAsDouble())
                .isLessThan(1.0).isEqualTo(r.resource(alt).orElseThrow().score(), org.assertj.core.data.Offset.offset(0.0005));
        assertThat(QualityScoreExtension.read(bundle.getEntry().get(0).getResource())).hasValue(1.0);
        assertThat(QualityScoreExtension.read(bundle).getAsDouble()).isEqualTo(r.score(),
                org.assertj.core.data.Offset.offset(0.0005));
    }

    @Test
    void operationOutcomeCarriesCheckIdsExpressionsAndScore() {
        QualityCorpus c = QualityCorpus.clean(4).apply(QualityCorpus.Defect.MISSING_UNIT, null)
                .apply(QualityCorpus.Defect.IMPLAUSIBLE_HEIGHT, null);
        QualityReport r = QualityScorer.withDefaults().score(c.bundle(), c.context());
        OperationOutcome oo = r.toOperationOutcome();
        assertThat(oo.getIssue()).hasSize(3);
        assertThat(oo.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.INFORMATIONAL);
        OperationOutcome.OperationOutcomeIssueComponent unit = oo.getIssue().stream()
                .filter(i -> QualityChecks.OBSERVATION_UNIT.equals(i.getDetails().getCodingFirstRep().getCode()))
                .findFirst().orElseThrow();
        assertThat(unit.getDetails().getCodingFirstRep().getSystem()).isEqualTo(QualityScoreExtension.CHECK_CODE_SYSTEM);
        assertThat(unit.getExpression().get(0).getValue())
                .isEqualTo("Bundle.entry[" + c.index.get("alt") + "].resource.valueQuantity.unit");
        assertThat(unit.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
        assertThat(QualityScoreExtension.read(oo)).isPresent();

        OperationOutcome entry = r.toOperationOutcome(c.index.get("height"));
        assertThat(entry.getIssue()).hasSize(2);
        assertThat(entry.getIssue().get(1).getExpression().get(0).getValue())
                .isEqualTo("Observation.valueQuantity.value");
        assertThat(entry.getIssue().get(1).getDetails().getText()).contains("17").contains("1700 cm");
        assertThatThrownBy(() -> r.toOperationOutcome(999)).isInstanceOf(QualityInputException.class)
                .hasMessageContaining("999");
        // the receipt is valid JSON FHIR
        String json = FHIR.newJsonParser().encodeResourceToString(oo);
        assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, json).getIssue()).hasSize(3);
    }

    @Test
    void everyDefaultCheckIdIsInTheCodeSystem() throws IOException {
        org.hl7.fhir.r4.model.CodeSystem cs = FHIR.newJsonParser().parseResource(
                org.hl7.fhir.r4.model.CodeSystem.class, resource("quality/CodeSystem-quality-check.json"));
        assertThat(cs.getUrl()).isEqualTo(QualityScoreExtension.CHECK_CODE_SYSTEM);
        List<String> codes = cs.getConcept().stream().map(x -> x.getCode()).toList();
        assertThat(codes).containsExactlyInAnyOrderElementsOf(
                QualityChecks.defaults().stream().map(QualityCheck::id).toList());
    }
}
