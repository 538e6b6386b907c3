package org.patientvault.vault.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Slicing must not change what validation finds: every finding of whole-Bundle validation, and no other, at the same
 * location, line and column, with the same severity and text.
 */
class SlicedBundleValidatorTest {

    private static final FhirContext CTX = FhirContext.forR4Cached();
    private static FhirInstanceValidator module;
    private static FhirValidator whole;
    private static ExecutorService pool;

    @BeforeAll
    static void build() {
        module = R4Validation.instanceValidator(CTX);
        whole = CTX.newValidator().registerValidatorModule(module);
        pool = Executors.newFixedThreadPool(2);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    @Test
    void aSyntheaRecordYieldsTheSameFindingsSlicedAsWhole() throws IOException {
        String bundle = synthea("patient");
        List<String> expected = findings(whole, bundle);
        assertThat(expected).hasSizeGreaterThan(100);
        assertThat(slicedFindings(64, bundle, 5)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(slicedFindings(16, bundle, 17)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void defectsAcrossSlicesAreFoundWhereWholeValidationFindsThem() {
        List<String> expected = findings(whole, DEFECTS);
        // The defects this test is about are there in the first place:
        assertThat(expected).anyMatch(f -> f.startsWith("ERROR|Bundle.entry[1]") && f.contains("Found Medication"));
        assertThat(expected).anyMatch(f -> f.startsWith("ERROR|Bundle.entry[3]") && f.contains("bogus"));
        assertThat(expected).anyMatch(f -> f.startsWith("ERROR|Bundle.entry[4]") && f.contains("status"));
        assertThat(expected).anyMatch(f -> f.startsWith("WARNING|Bundle.entry[2]") && f.contains("not locally"));
        for (int size : new int[] {1, 2, 3}) {
            assertThat(slicedFindings(size, DEFECTS, (6 + size - 1) / size)).as("slices of %d", size)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void repeatedFullUrlsAreValidatedWhole() {
        String twice = DEFECTS.replace("urn:uuid:00000000-0000-4000-8000-000000000005",
                "urn:uuid:00000000-0000-4000-8000-000000000004");
        List<String> expected = findings(whole, twice);
        assertThat(expected).anyMatch(f -> f.contains("bdl-7"));
        assertThat(slicedFindings(1, twice, 1)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void repeatedResourceIdsAreValidatedWhole() {
        String twice = DEFECTS.replace("{ \"resourceType\": \"Patient\", \"gender\": \"female\" }",
                "{ \"resourceType\": \"Patient\", \"id\": \"p\", \"gender\": \"female\" }")
                .replace("{ \"resourceType\": \"Patient\", \"gender\": \"bogus\" }",
                        "{ \"resourceType\": \"Patient\", \"id\": \"p\", \"gender\": \"bogus\" }");
        assertThat(twice).contains("\"id\": \"p\", \"gender\": \"bogus\"");
        assertThat(slicedFindings(1, twice, 1)).containsExactlyInAnyOrderElementsOf(findings(whole, twice));
    }

    private static final java.util.concurrent.atomic.AtomicInteger CALLS = new java.util.concurrent.atomic.AtomicInteger();

    /** Counts the validator runs, so a test can tell slicing from the whole-Bundle fallback. */
    private static FhirValidator sliced(int entries) {
        ca.uhn.fhir.validation.IValidatorModule counting = c -> {
            CALLS.incrementAndGet();
            module.validateResource(c);
        };
        return CTX.newValidator().registerValidatorModule(new SlicedBundleValidator(CTX, counting, entries, pool));
    }

    private static List<String> slicedFindings(int entries, String bundle, int expectedRuns) {
        CALLS.set(0);
        List<String> out = findings(sliced(entries), bundle);
        assertThat(CALLS.get()).as("validator runs").isEqualTo(expectedRuns);
        return out;
    }

    private static List<String> findings(FhirValidator validator, String bundle) {
        return validator.validateWithResult(bundle).getMessages().stream().map(SlicedBundleValidatorTest::key)
                .toList();
    }

    private static String key(SingleValidationMessage m) {
        return m.getSeverity() + "|" + m.getLocationString() + "|L" + m.getLocationLine() + "C" + m.getLocationCol()
                + "|" + m.getMessageId() + "|" + m.getMessage();
    }

    private static String synthea(String name) throws IOException {
        try (InputStream in = new GZIPInputStream(SlicedBundleValidatorTest.class
                .getResourceAsStream("/synthea/" + name + ".json.gz"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Entry 1 names a Medication (entry 5) as its subject; entry 2 names an entry that is not there; entry 3 has a
     * code outside a required value set; entry 4 lacks its status. Pretty-printed, so lines and columns matter.
     */
    private static final String DEFECTS = """
            {
              "resourceType": "Bundle",
              "type": "transaction",
              "entry": [ {
                "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000000",
                "resource": { "resourceType": "Patient", "gender": "female" },
                "request": { "method": "POST", "url": "Patient" }
              }, {
                "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000001",
                "resource": {
                  "resourceType": "Observation", "status": "final", "code": { "text": "a" },
                  "subject": { "reference": "urn:uuid:00000000-0000-4000-8000-000000000005" }
                },
                "request": { "method": "POST", "url": "Observation" }
              }, {
                "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002",
                "resource": {
                  "resourceType": "Observation", "status": "final", "code": { "text": "b" },
                  "subject": { "reference": "urn:uuid:00000000-0000-4000-8000-00000000dead" }
                },
                "request": { "method": "POST", "url": "Observation" }
              }, {
                "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000003",
                "resource": { "resourceType": "Patient", "gender": "bogus" },
                "request": { "method": "POST", "url": "Patient" }
              }, {
                "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000004",
                "resource": {
                  "resourceType": "Observation", "code": { "text": "c" },
                  "subject": { "reference": "urn:uuid:00000000-0000-4000-8000-000000000000" }
                },
                "request": { "method": "POST", "url": "Observation" }
              }, {
                "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000005",
                "resource": { "resourceType": "Medication" },
                "request": { "method": "POST", "url": "Medication" }
              } ]
            }
            """;
}
