package org.patientvault.vault.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.rest.server.interceptor.RequestValidatingInterceptor;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.patientvault.vault.submission.SubmissionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base R4 validation that works offline: the core StructureDefinitions and the code systems the FHIR spec itself
 * defines. External terminologies (LOINC, SNOMED CT) are not available offline, so unknown codes in them are warnings,
 * never errors; quality scoring reports them instead.
 *
 * <p>One validator (support chain, worker context, R5 conversions and snapshots) is built per application and shared
 * by every request; quality scoring reuses the request's findings ({@link SubmissionContext#validated}) and never
 * validates again. See {@code docs/benchmarks-ingest.md}, "Profile".
 */
final class R4Validation {

    private static final Logger LOG = LoggerFactory.getLogger(R4Validation.class);

    /**
     * Every source in the chain is static (the spec's own resources, computed language tags), so its answers never
     * go stale: the chain's cache may keep them as long as the process runs. Keys are code + display + value set,
     * so HAPI's default of 5,000 entries (10 minutes) can be outgrown by many hospitals' code lists; an entry is a few
     * hundred bytes, so 50,000 stay within tens of megabytes.
     */
    private static final ValidationSupportChain.CacheConfiguration CACHE = ValidationSupportChain.CacheConfiguration
            .defaultValues().setCacheSize(50_000).setCacheTimeout(Duration.ofDays(365));

    private R4Validation() {
    }

    static RequestValidatingInterceptor requestValidatingInterceptor(FhirContext ctx, boolean warmUp,
                                                                     int sliceEntries, int threads) {
        // Findings of accepted requests are kept for quality scoring.
        RequestValidatingInterceptor interceptor = new RequestValidatingInterceptor() {
            @Override
            protected void postProcessResult(ca.uhn.fhir.rest.api.server.RequestDetails request,
                                             ca.uhn.fhir.validation.ValidationResult result) {
                SubmissionContext.of(request).validated(result);
            }
        };
        FhirInstanceValidator module = instanceValidator(ctx);
        // Large Bundles in slices: the same findings without the validator's quadratic message merge, and on more
        // than the request's own thread. Daemon threads: the pool lives as long as the application.
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vault-validation-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        interceptor.addValidatorModule(new SlicedBundleValidator(ctx, module, sliceEntries, pool));
        interceptor.setFailOnSeverity(ResultSeverityEnum.ERROR);
        interceptor.setAddResponseHeaderOnSeverity(null);
        interceptor.setAddResponseOutcomeHeaderOnSeverity(null);
        if (warmUp) {
            // In the background, so start-up is not delayed; a request that arrives meanwhile shares the work (the
            // worker context converts each StructureDefinition once, under a lock per definition).
            Thread t = new Thread(() -> warmUp(ctx, module), "vault-validation-warm-up");
            t.setDaemon(true);
            t.start();
        }
        return interceptor;
    }

    /** The instance validator with the offline support chain; costly to build, so build it once. */
    static FhirInstanceValidator instanceValidator(FhirContext ctx) {
        ValidationSupportChain chain = new ValidationSupportChain(CACHE,
                new LanguageTags(ctx),
                new DefaultProfileValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx),
                new InMemoryTerminologyServerValidationSupport(ctx),
                new SnapshotGeneratingValidationSupport(ctx));
        FhirInstanceValidator validator = new FhirInstanceValidator(chain);
        validator.setNoTerminologyChecks(false);
        validator.setErrorForUnknownProfiles(false);
        validator.setAnyExtensionsAllowed(true);
        validator.setValidatorPolicyAdvisor(new VaultPolicyAdvisor(validator.getValidatorPolicyAdvisor()));
        return validator;
    }

    /**
     * Does once what the first validation after start would otherwise do inside a hospital's request (measured: about
     * 40 s of CPU on the shared bench machine, see {@code docs/benchmarks-ingest.md}): converts every core
     * StructureDefinition to the validator's R5 form with its snapshot, builds the FHIRPath engine, and loads and
     * JIT-compiles the validator. Validates an empty instance of every resource type and a small transaction with
     * common data types. Never throws.
     *
     * @return the milliseconds it took, or -1 when it failed
     */
    static long warmUp(FhirContext ctx, FhirInstanceValidator module) {
        long t0 = System.nanoTime();
        try {
            FhirValidator validator = ctx.newValidator().registerValidatorModule(module);
            for (String type : new TreeSet<>(ctx.getResourceTypes())) {
                validator.validateWithResult("{\"resourceType\":\"" + type + "\"}");
            }
            validator.validateWithResult(SAMPLE_TRANSACTION);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            LOG.info("base-R4 validator warmed up in {} ms", ms);
            return ms;
        } catch (RuntimeException e) {
            // The first request then pays the cost itself; nothing else depends on the warm-up.
            LOG.warn("base-R4 validator warm-up failed: {}", e.getClass().getName());
            return -1;
        }
    }

    /** Common data types (identifiers, names, codings, UCUM quantities, periods, in-bundle references). */
    static final String SAMPLE_TRANSACTION = """
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"fullUrl":"urn:uuid:6f1c1a56-3c1e-4a43-9d0e-1f2a3b4c5d6e","resource":{"resourceType":"Patient",
              "identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},
               "system":"https://hospital.example/mrn","value":"12345"}],
              "name":[{"use":"official","family":"Li","given":["Wei"]}],"gender":"female","birthDate":"1980-02-03",
              "telecom":[{"system":"phone","value":"555-0100","use":"home"}],
              "address":[{"line":["1 Road"],"city":"Beijing","country":"CN"}],
              "communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"zh-CN"}]}}]},
              "request":{"method":"POST","url":"Patient"}},
             {"fullUrl":"urn:uuid:7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d","resource":{"resourceType":"Encounter",
              "status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
              "type":[{"coding":[{"system":"http://snomed.info/sct","code":"185349003","display":"Encounter for check up"}]}],
              "subject":{"reference":"urn:uuid:6f1c1a56-3c1e-4a43-9d0e-1f2a3b4c5d6e"},
              "period":{"start":"2020-01-01T10:00:00+08:00","end":"2020-01-01T10:30:00+08:00"}},
              "request":{"method":"POST","url":"Encounter"}},
             {"fullUrl":"urn:uuid:8b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6f","resource":{"resourceType":"Observation",
              "status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category",
               "code":"vital-signs"}]}],
              "code":{"coding":[{"system":"http://loinc.org","code":"8302-2","display":"Body Height"}]},
              "subject":{"reference":"urn:uuid:6f1c1a56-3c1e-4a43-9d0e-1f2a3b4c5d6e"},
              "encounter":{"reference":"urn:uuid:7a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"},
              "effectiveDateTime":"2020-01-01T10:05:00+08:00","issued":"2020-01-01T10:05:00.000+08:00",
              "valueQuantity":{"value":165.2,"unit":"cm","system":"http://unitsofmeasure.org","code":"cm"}},
              "request":{"method":"POST","url":"Observation"}}]}
            """;
}
