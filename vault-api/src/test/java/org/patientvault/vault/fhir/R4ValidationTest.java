package org.patientvault.vault.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class R4ValidationTest {

    private static FhirValidator validator;
    private static long warmUpMillis;

    @BeforeAll
    static void build() {
        FhirContext ctx = FhirContext.forR4Cached();
        FhirInstanceValidator module = R4Validation.instanceValidator(ctx);
        // The tests below then run on a warmed-up validator, as requests do in the app.
        warmUpMillis = R4Validation.warmUp(ctx, module);
        validator = ctx.newValidator().registerValidatorModule(module);
    }

    @Test
    void theWarmUpCompletesAndItsSampleIsValidR4() {
        assertThat(warmUpMillis).isNotNegative();
        ValidationResult r = validator.validateWithResult(R4Validation.SAMPLE_TRANSACTION);
        assertThat(r.getMessages()).noneMatch(m -> m.getSeverity() == ResultSeverityEnum.ERROR);
    }

    @Test
    void anyWellFormedLanguageTagIsValid() {
        assertThat(errors(patientSpeaking("vi"))).isEmpty();
        assertThat(errors(patientSpeaking("zh-Hans-CN"))).isEmpty();
    }

    @Test
    void aMalformedLanguageTagIsReported() {
        // The binding is "preferred", so the validator reports a malformed tag without refusing the resource.
        ValidationResult r = validator.validateWithResult(patientSpeaking("not a language"));
        assertThat(r.getMessages()).anyMatch(m -> m.getMessage().contains("not a language"));
    }

    @Test
    void aCodeOutsideARequiredValueSetIsAnError() {
        ValidationResult ok = validator.validateWithResult("{\"resourceType\":\"Patient\",\"gender\":\"female\"}");
        ValidationResult bad = validator.validateWithResult("{\"resourceType\":\"Patient\",\"gender\":\"bogus\"}");
        assertThat(ok.getMessages()).noneMatch(m -> m.getSeverity() == ResultSeverityEnum.ERROR);
        assertThat(bad.getMessages()).anyMatch(m -> m.getSeverity() == ResultSeverityEnum.ERROR);
    }

    @Test
    void narrativeAdviceIsSuppressedAndOtherWarningsAreKept() {
        // dom-6 ("should have narrative") rejects nothing and quality scoring ignores it; the validator no longer
        // reports it, so it no longer feeds the Bundle's quadratic message merge. Other best-practice warnings stay.
        ValidationResult r = validator.validateWithResult(R4Validation.SAMPLE_TRANSACTION);
        assertThat(r.getMessages()).noneMatch(m -> m.getMessage().contains("dom-6")
                || VaultPolicyAdvisor.DOM_6.equals(m.getMessageId()));
        assertThat(r.getMessages()).anyMatch(m -> m.getSeverity() == ResultSeverityEnum.WARNING
                && m.getLocationString().startsWith("Bundle.entry[2].resource")
                && m.getMessage().contains("performer"));
    }

    private static Patient patientSpeaking(String tag) {
        Patient p = new Patient();
        p.addCommunication().setLanguage(new CodeableConcept(new Coding("urn:ietf:bcp:47", tag, null)));
        return p;
    }

    private static java.util.List<String> errors(Patient p) {
        ValidationResult r = validator.validateWithResult(p);
        return r.getMessages().stream().filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .map(m -> m.getLocationString() + ": " + m.getMessage()).toList();
    }
}
