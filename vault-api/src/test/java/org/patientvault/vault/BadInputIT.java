package org.patientvault.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad submission gets a 4xx OperationOutcome that says what is wrong, never a stack trace, and writes
 * nothing.
 */
class BadInputIT extends FhirIT {

    private static final String JSON = "application/fhir+json";
    private final HttpClient http = HttpClient.newHttpClient();
    private Map<String, Integer> before;

    @BeforeEach
    void countBefore() {
        before = counts();
    }

    static Stream<Arguments> badSubmissions() {
        String obsNoStatus = """
                {"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:%s",
                 "resource":{"resourceType":"Observation","code":{"text":"x"}},
                 "request":{"method":"POST","url":"Observation"}}]}""".formatted(UUID.randomUUID());
        String danglingRef = """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"urn:uuid:%s","resource":{"resourceType":"Patient","name":[{"family":"Ok"}],
                  "identifier":[{"system":"urn:test:mrn","value":"%s",
                   "type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]}}]},
                  "request":{"method":"POST","url":"Patient"}},
                 {"fullUrl":"urn:uuid:%s","resource":{"resourceType":"Observation","status":"final",
                  "code":{"text":"x"},"subject":{"reference":"Patient/%s"}},
                  "request":{"method":"POST","url":"Observation"}}]}"""
                .formatted(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        // No resident ID, no MRN, not all of name, birth date and phone: no one could ever link it.
        String unidentifiable = """
                {"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:%s",
                 "resource":{"resourceType":"Patient","name":[{"family":"Nobody"}]},
                 "request":{"method":"POST","url":"Patient"}}]}""".formatted(UUID.randomUUID());
        String unknownType = """
                {"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:%s",
                 "resource":{"resourceType":"Spaceship","name":"x"},
                 "request":{"method":"POST","url":"Spaceship"}}]}""".formatted(UUID.randomUUID());
        String badCode = """
                {"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:%s",
                 "resource":{"resourceType":"Observation","status":"bogus","code":{"text":"x"}},
                 "request":{"method":"POST","url":"Observation"}}]}""".formatted(UUID.randomUUID());
        return Stream.of(
                Arguments.of("malformed JSON", "", JSON, "{\"resourceType\":\"Bundle\",", "not valid"),
                Arguments.of("malformed XML", "", "application/fhir+xml",
                        "<Bundle xmlns=\"http://hl7.org/fhir\"><type value=", "XML"),
                Arguments.of("unknown resource type in a bundle", "", JSON, unknownType, "Spaceship"),
                Arguments.of("unknown resource type in the URL", "/Spaceship", JSON,
                        "{\"resourceType\":\"Spaceship\"}", "Spaceship"),
                Arguments.of("missing required element", "", JSON, obsNoStatus, "Observation.status"),
                Arguments.of("code outside a required value set", "", JSON, badCode, "bogus"),
                Arguments.of("unresolvable reference", "", JSON, danglingRef, "Patient/"),
                Arguments.of("a Patient that cannot be identified", "", JSON, unidentifiable,
                        "Patient cannot be identified"),
                Arguments.of("not a transaction or batch", "", JSON,
                        "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}", "transaction"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSubmissions")
    void rejectedClearlyAndNothingWritten(String name, String path, String contentType, String body, String says)
            throws Exception {
        HttpResponse<String> r = post(path, contentType, HttpRequest.BodyPublishers.ofString(body), body.length());
        assertClearRejection(r, says);
        assertThat(r.statusCode()).isBetween(400, 499);
    }

    @org.junit.jupiter.api.Test
    void bodyOverTheLimitGets413() throws Exception {
        String big = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + "{},".repeat(1_200_000)
                + "{}]}";
        HttpResponse<String> r = post("", JSON, HttpRequest.BodyPublishers.ofString(big), big.length());
        assertThat(r.statusCode()).isEqualTo(413);
        assertClearRejection(r, "limit");
    }

    @org.junit.jupiter.api.Test
    void chunkedBodyOverTheLimitGets413() throws Exception {
        byte[] chunk = "{},".repeat(100_000).getBytes();
        HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofInputStream(() ->
                new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(
                        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[".getBytes()),
                        new java.io.InputStream() {
                            private int sent;
                            private int pos;

                            @Override
                            public int read() {
                                if (sent > 7) {
                                    return -1;
                                }
                                int b = chunk[pos++];
                                if (pos == chunk.length) {
                                    pos = 0;
                                    sent++;
                                }
                                return b;
                            }
                        }));
        HttpResponse<String> r = post("", JSON, publisher, -1);
        assertThat(r.statusCode()).isEqualTo(413);
        assertClearRejection(r, "limit");
    }

    private void assertClearRejection(HttpResponse<String> r, String says) {
        assertThat(r.statusCode()).isBetween(400, 499);
        OperationOutcome oo = ctx.newJsonParser().parseResource(OperationOutcome.class, r.body().startsWith("<")
                ? ctx.newJsonParser().encodeResourceToString(ctx.newXmlParser().parseResource(r.body())) : r.body());
        assertThat(oo.getIssue()).isNotEmpty();
        assertThat(r.body()).contains(says);
        assertThat(r.body()).doesNotContain("\tat ", "Exception:", "org.hibernate", "SQL [");
        assertThat(counts()).isEqualTo(before);
    }

    private HttpResponse<String> post(String path, String contentType, HttpRequest.BodyPublisher body, long length)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", contentType).header("Accept", JSON)
                .header("Authorization", "Bearer " + hospitalToken)
                .POST(body);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Integer> counts() {
        return Map.of("Patient", count("Patient"), "Observation", count("Observation"),
                "Provenance", count("Provenance"));
    }
}
