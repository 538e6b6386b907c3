package org.patientvault.consent;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.Test;

/** The published FHIR artifacts parse and say exactly what the code understands. */
class PublishedArtifactsTest {
    static final FhirContext CTX = FhirContext.forR4Cached();

    static <T extends org.hl7.fhir.instance.model.api.IBaseResource> T load(Class<T> type, String name) throws Exception {
        try (InputStream in = PublishedArtifactsTest.class.getResourceAsStream("/fhir/" + name)) {
            assertThat(in).as(name).isNotNull();
            return CTX.newJsonParser().parseResource(type, new InputStreamReader(in, StandardCharsets.UTF_8));
        }
    }

    @Test
    void dataClassCodeSystemMatchesTheEnum() throws Exception {
        CodeSystem cs = load(CodeSystem.class, "CodeSystem-data-class.json");
        assertThat(cs.getUrl()).isEqualTo(ConsentCodes.DATA_CLASS_SYSTEM);
        assertThat(cs.getConcept()).extracting(CodeSystem.ConceptDefinitionComponent::getCode)
                .containsExactlyElementsOf(Arrays.stream(DataClass.values()).map(DataClass::code).toList());
        assertThat(cs.getCount()).isEqualTo(DataClass.values().length);
    }

    @Test
    void purposeCodeSystemHasAiTraining() throws Exception {
        CodeSystem cs = load(CodeSystem.class, "CodeSystem-consent-purpose.json");
        assertThat(cs.getUrl()).isEqualTo(ConsentCodes.PURPOSE_SYSTEM);
        assertThat(cs.getConcept()).extracting(CodeSystem.ConceptDefinitionComponent::getCode)
                .containsExactly(ConsentCodes.PURPOSE_AI_TRAINING);
    }

    @Test
    void crossBorderExtensionIsDefinedOnProvision() throws Exception {
        StructureDefinition sd = load(StructureDefinition.class, "StructureDefinition-cross-border.json");
        assertThat(sd.getUrl()).isEqualTo(ConsentCodes.CROSS_BORDER_EXTENSION);
        assertThat(sd.getContextFirstRep().getExpression()).isEqualTo("Consent.provision");
    }
}
