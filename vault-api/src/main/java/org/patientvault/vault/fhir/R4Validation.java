package org.patientvault.vault.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.rest.server.interceptor.RequestValidatingInterceptor;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.patientvault.vault.submission.SubmissionContext;

/**
 * Base R4 validation that works offline: the core StructureDefinitions and the code systems the FHIR spec itself
 * defines. External terminologies (LOINC, SNOMED CT) are not available offline, so unknown codes in them are warnings,
 * never errors; quality scoring reports them instead.
 */
final class R4Validation {

    private R4Validation() {
    }

    static RequestValidatingInterceptor requestValidatingInterceptor(FhirContext ctx) {
        // Findings of accepted requests are kept for quality scoring.
        RequestValidatingInterceptor interceptor = new RequestValidatingInterceptor() {
            @Override
            protected void postProcessResult(ca.uhn.fhir.rest.api.server.RequestDetails request,
                                             ca.uhn.fhir.validation.ValidationResult result) {
                SubmissionContext.of(request).validated(result);
            }
        };
        interceptor.addValidatorModule(instanceValidator(ctx));
        interceptor.setFailOnSeverity(ResultSeverityEnum.ERROR);
        interceptor.setAddResponseHeaderOnSeverity(null);
        interceptor.setAddResponseOutcomeHeaderOnSeverity(null);
        return interceptor;
    }

    /** The instance validator with the offline support chain; costly to build, so build it once. */
    static FhirInstanceValidator instanceValidator(FhirContext ctx) {
        ValidationSupportChain chain = new ValidationSupportChain(
                new LanguageTags(ctx),
                new DefaultProfileValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx),
                new InMemoryTerminologyServerValidationSupport(ctx),
                new SnapshotGeneratingValidationSupport(ctx));
        FhirInstanceValidator validator = new FhirInstanceValidator(chain);
        validator.setNoTerminologyChecks(false);
        validator.setErrorForUnknownProfiles(false);
        validator.setAnyExtensionsAllowed(true);
        return validator;
    }
}
