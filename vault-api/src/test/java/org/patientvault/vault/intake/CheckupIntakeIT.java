package org.patientvault.vault.intake;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.terminology.ObservationNormalizer;
import org.patientvault.mapping.terminology.TerminologyMaps;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.devissuer.DevIssuerLogin;
import org.patientvault.vault.submission.SubmissionService;

/**
 * The CSV intake and terminology on the FHIR path, end to end: the golden files of fhir-mapping ingest as a hospital
 * submission with LOINC and UCUM beside the originals; a re-post is a replay; bad files are refused precisely and
 * write nothing; only hospitals may post; records of two hospitals with the same resident ID land in one compartment.
 */
class CheckupIntakeIT extends FhirIT {

    private static final Path GOLDEN = Path.of("../fhir-mapping/src/test/resources/csv");
    private static final String HEADER =
            "resident_id,mrn,name,birth_date,gender,phone,date,local_code,local_name,value,unit,ref_low,ref_high\n";
    private static final String ALICE_RESIDENT_ID = "110101198503120025";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private HttpResponse<String> post(byte[] body, String contentType, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/intake/checkup"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Bearer " + token);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private Bundle receipt(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().contains("fhir+json");
        return ctx.newJsonParser().parseResource(Bundle.class, response.body());
    }

    private static Extension receiptPart(Bundle b, String url, String part) {
        Extension ext = b.getMeta().getExtensionByUrl(url);
        assertThat(ext).as("extension " + url).isNotNull();
        return ext.getExtensionByUrl(part);
    }

    private Map<String, Integer> counts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String type : List.of("Patient", "Observation", "DiagnosticReport", "Provenance")) {
            m.put(type, count(type));
        }
        return m;
    }

    private List<Observation> observationsWithCode(String system, String code) {
        SearchParameterMap params = SearchParameterMap.newSynchronous().add("code", new TokenParam(system, code));
        return daos.getResourceDao("Observation").search(params, new SystemRequestDetails()).getAllResources()
                .stream().map(Observation.class::cast).toList();
    }

    /** A valid resident ID nobody else uses (random birth date and sequence). */
    static String newResidentId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String first17 = "110101" + (1950 + r.nextInt(50)) + String.format("%02d%02d", 1 + r.nextInt(12),
                1 + r.nextInt(28)) + String.format("%03d", r.nextInt(1000));
        return first17 + ResidentId.checkCharacter(first17);
    }

    private static String localSystem(String org) {
        return IdentitySystems.BASE + "/CodeSystem/local/" + org;
    }

    @Test
    void goldenFilesIngestWithLoincAndUcumBesideTheOriginalsAndARepostIsAReplay() throws Exception {
        byte[] utf8 = Files.readAllBytes(GOLDEN.resolve("checkup-utf8.csv"));
        byte[] gb = Files.readAllBytes(GOLDEN.resolve("checkup-gb18030.csv"));
        Map<String, Integer> before = counts();

        Bundle first = receipt(post(utf8, "text/csv; charset=utf-8", hospitalToken));
        boolean firstWasReplay = ((org.hl7.fhir.r4.model.BooleanType) receiptPart(first,
                SubmissionService.RECEIPT_URL, "replay").getValue()).booleanValue();
        if (!firstWasReplay) {
            Map<String, Integer> after = counts();
            assertThat(after.get("Observation") - before.get("Observation")).isEqualTo(11);
            assertThat(after.get("DiagnosticReport") - before.get("DiagnosticReport")).isEqualTo(4);
            // The submission's Provenance and one link decision per patient in the file (three).
            assertThat(after.get("Provenance") - before.get("Provenance")).isEqualTo(4);
        }
        Extension terminology = first.getMeta().getExtensionByUrl(TerminologyHook.SUMMARY_URL);
        assertThat(terminology).isNotNull();
        assertThat(((org.hl7.fhir.r4.model.UnsignedIntType) terminology.getExtensionByUrl("observations").getValue())
                .getValue()).isEqualTo(11);
        List<String> unmapped = terminology.getExtensionsByUrl("unmapped").stream()
                .map(e -> ((Coding) e.getValue()).getCode()).toList();
        assertThat(unmapped).containsExactly("X-42");

        // Glucose: local GLU first, LOINC 2345-7 added; 5.6 mmol/L → 101 mg/dL with the original kept.
        List<Observation> glucose = observationsWithCode(localSystem("hosp-beijing"), "GLU");
        assertThat(glucose).hasSize(1);
        Observation glu = glucose.get(0);
        assertThat(glu.getCode().getCoding().get(0).getCode()).isEqualTo("GLU");
        assertThat(glu.getCode().getCoding()).anySatisfy(c -> {
            assertThat(c.getSystem()).isEqualTo("http://loinc.org");
            assertThat(c.getCode()).isEqualTo("2345-7");
        });
        Quantity q = glu.getValueQuantity();
        assertThat(q.getValue()).isEqualByComparingTo(new BigDecimal("101"));
        assertThat(q.getCode()).isEqualTo("mg/dL");
        Quantity original = (Quantity) q.getExtensionByUrl(ObservationNormalizer.ORIGINAL_QUANTITY).getValue();
        assertThat(original.getValue()).isEqualByComparingTo(new BigDecimal("5.6"));
        assertThat(original.getUnit()).isEqualTo("mmol/L");
        assertThat(glu.getMeta().getTag()).anySatisfy(t -> assertThat(t.getCode()).isEqualTo("hosp-beijing"));

        // Same file again, and the same rows in GB18030 with CRLF: one submission, stored once.
        Map<String, Integer> settled = counts();
        Bundle again = receipt(post(utf8, "text/csv; charset=utf-8", hospitalToken));
        assertThat(((org.hl7.fhir.r4.model.BooleanType) receiptPart(again, SubmissionService.RECEIPT_URL, "replay")
                .getValue()).booleanValue()).isTrue();
        Bundle gbReceipt = receipt(post(gb, "text/csv; charset=GB18030", hospitalToken));
        assertThat(((org.hl7.fhir.r4.model.BooleanType) receiptPart(gbReceipt, SubmissionService.RECEIPT_URL,
                "replay").getValue()).booleanValue()).isTrue();
        assertThat(gbReceipt.getMeta().getExtensionByUrl(TerminologyHook.SUMMARY_URL)
                .getExtensionsByUrl("unmapped")).hasSize(1);
        assertThat(counts()).isEqualTo(settled);
        assertThat(observationsWithCode(localSystem("hosp-beijing"), "GLU")).hasSize(1);
    }

    @Test
    void gb18030FileWithNewRowsIsStoredWithItsChineseNames() throws Exception {
        String rid = newResidentId();
        String code = "GB-" + UUID.randomUUID().toString().substring(0, 8);
        String csv = HEADER + rid + ",,张三,,男,,2026-11-20," + code + ",总胆固醇,5.2,mmol/L,,5.2\r\n";
        Bundle r = receipt(post(csv.getBytes(Charset.forName("GB18030")), "text/csv; charset=gb18030",
                hospitalToken));
        assertThat(((org.hl7.fhir.r4.model.UnsignedIntType) receiptPart(r, SubmissionService.RECEIPT_URL, "created")
                .getValue()).getValue()).isGreaterThanOrEqualTo(3);
        List<Observation> stored = observationsWithCode(localSystem("hosp-beijing"), code);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).getCode().getText()).isEqualTo("总胆固醇");
        assertThat(stored.get(0).getCode().getCoding()).anySatisfy(c -> assertThat(c.getCode()).isEqualTo("2093-3"));
        // 5.2 mmol/L cholesterol × 38.67 = 201 mg/dL
        assertThat(stored.get(0).getValueQuantity().getValue()).isEqualByComparingTo(new BigDecimal("201"));
    }

    static Stream<Arguments> badFiles() {
        String rid = newResidentId();
        String badRid = rid.substring(0, 17) + (rid.charAt(17) == '1' ? '2' : '1');
        String row = ",,,,,,2026-11-20,GLU,空腹血糖,5.6,mmol/L,,\n";
        return Stream.of(
                Arguments.of("invalid resident ID", HEADER + badRid + row.substring(0), "text/csv; charset=utf-8",
                        400, 2, "resident_id"),
                Arguments.of("non-numeric value with a unit", HEADER + rid + ",,,,,,2026-11-20,GLU,空腹血糖,high,mmol/L,,\n",
                        "text/csv; charset=utf-8", 400, 2, "value"),
                Arguments.of("missing columns", "resident_id,date,local_code,value\n" + rid + ",2026-11-20,GLU,5.6\n",
                        "text/csv; charset=utf-8", 400, 1, "mrn"),
                Arguments.of("undeclared charset", HEADER + rid + row, "text/csv", 415, 0, null),
                Arguments.of("unaccepted charset", HEADER + rid + row, "text/csv; charset=iso-8859-1", 415, 0, null),
                Arguments.of("not CSV", HEADER + rid + row, "application/json", 415, -1, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void badFilesAreRefusedPreciselyAndWriteNothing(String label, String csv, String contentType, int status,
                                                    int row, String column) throws Exception {
        Map<String, Integer> before = counts();
        HttpResponse<String> response = post(csv.getBytes(StandardCharsets.UTF_8), contentType, hospitalToken);
        assertProblem(response, status, row, column);
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void bytesInvalidInTheDeclaredCharsetAreRefusedWithTheirOffset() throws Exception {
        Map<String, Integer> before = counts();
        byte[] gbBytes = (HEADER + newResidentId() + ",,王芳,,,,2026-11-20,GLU,空腹血糖,5.6,mmol/L,,\n")
                .getBytes(Charset.forName("GB18030"));
        HttpResponse<String> response = post(gbBytes, "text/csv; charset=utf-8", hospitalToken);
        JsonNode problem = assertProblem(response, 400, 0, null);
        assertThat(problem.get("errors").get(0).get("message").asText()).contains("offset").contains("UTF-8");
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void aPatientCannotPostCsv() throws Exception {
        String aliceToken = DevIssuerLogin.userToken("http://localhost:" + port, "alice", "alice-demo");
        byte[] csv = (HEADER + ALICE_RESIDENT_ID + ",,,,,,2026-11-20,GLU,空腹血糖,5.6,mmol/L,,\n")
                .getBytes(StandardCharsets.UTF_8);
        // alice's first authenticated request links her account (possibly creating her Patient): count after it.
        assertProblem(post(csv, "text/csv; charset=utf-8", aliceToken), 403, -1, null);
        Map<String, Integer> before = counts();
        assertThat(assertProblem(post(csv, "text/csv; charset=utf-8", aliceToken), 403, -1, null).get("detail")
                .asText()).contains("Only hospitals");
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void twoHospitalsWithTheSameResidentIdLandInOneCompartment() throws Exception {
        receipt(post(Files.readAllBytes(GOLDEN.resolve("checkup-utf8.csv")), "text/csv; charset=utf-8",
                hospitalToken));
        String shanghai = DevIssuerLogin.clientCredentialsToken("http://localhost:" + port, "hosp-shanghai",
                "hosp-shanghai-secret");
        String code = "SH-" + UUID.randomUUID().toString().substring(0, 8);
        receipt(post((HEADER + ALICE_RESIDENT_ID + ",SH-77,,,,,2026-11-25," + code + ",谷丙转氨酶,30,U/L,7,40\n")
                .getBytes(StandardCharsets.UTF_8), "text/csv; charset=utf-8", shanghai));

        Bundle mine = alice().search().forResource(Observation.class).count(200).returnBundle(Bundle.class).execute();
        List<Coding> codes = mine.getEntry().stream().map(e -> (Observation) e.getResource())
                .flatMap(o -> o.getCode().getCoding().stream()).toList();
        assertThat(codes).anySatisfy(c -> {
            assertThat(c.getSystem()).isEqualTo(localSystem("hosp-beijing"));
            assertThat(c.getCode()).isEqualTo("GLU");
        });
        assertThat(codes).anySatisfy(c -> {
            assertThat(c.getSystem()).isEqualTo(localSystem("hosp-shanghai"));
            assertThat(c.getCode()).isEqualTo(code);
        });
        List<Observation> sh = observationsWithCode(localSystem("hosp-shanghai"), code);
        List<Observation> bj = observationsWithCode(localSystem("hosp-beijing"), "GLU");
        assertThat(sh.get(0).getSubject().getReference()).isEqualTo(bj.get(0).getSubject().getReference());
    }

    @Test
    void hospitalTransactionsOnFhirGetLoincBesideTheLocalCodeAndUnmappedCodesInTheReceipt() {
        String rid = newResidentId();
        String unmappedCode = "ZZ-" + UUID.randomUUID().toString().substring(0, 8);
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Patient p = new Patient().addIdentifier(new Identifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(rid));
        tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(p).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        String patientUrl = tx.getEntry().get(0).getFullUrl();
        Observation glu = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        glu.getCode().addCoding(new Coding("https://hosp-beijing.example.cn/lab", "FBG-" + rid, "空腹血糖"));
        glu.setSubject(new Reference(patientUrl));
        glu.setValue(new Quantity().setValue(7.0).setUnit("mmol/L"));
        tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(glu).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        Observation odd = new Observation().setStatus(Observation.ObservationStatus.FINAL);
        odd.getCode().addCoding(new Coding("https://hosp-beijing.example.cn/lab", unmappedCode, "自定义"));
        odd.setSubject(new Reference(patientUrl));
        tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(odd).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

        Bundle response = client.transaction().withBundle(tx).execute();

        Extension summary = response.getMeta().getExtensionByUrl(TerminologyHook.SUMMARY_URL);
        assertThat(summary).isNotNull();
        assertThat(((org.hl7.fhir.r4.model.UnsignedIntType) summary.getExtensionByUrl("mapped").getValue())
                .getValue()).isEqualTo(1);
        assertThat(summary.getExtensionsByUrl("unmapped")).singleElement()
                .satisfies(e -> assertThat(((Coding) e.getValue()).getCode()).isEqualTo(unmappedCode));
        Observation stored = observationsWithCode("https://hosp-beijing.example.cn/lab", "FBG-" + rid).get(0);
        assertThat(stored.getCode().getCoding().get(0).getCode()).isEqualTo("FBG-" + rid);
        // 空腹血糖 is "fasting glucose" in the starter set
        assertThat(stored.getCode().getCoding()).anySatisfy(c -> assertThat(c.getCode()).isEqualTo("1558-6"));
        // WHO cut-off: 7.0 mmol/L = 126 mg/dL
        assertThat(stored.getValueQuantity().getValue()).isEqualByComparingTo(new BigDecimal("126"));
        assertThat(stored.getValueQuantity().getExtensionByUrl(ObservationNormalizer.ORIGINAL_QUANTITY)).isNotNull();
    }

    @Test
    void hospitalConceptMapsAreValidatedOnUploadAndUsedForTheirCsv() throws Exception {
        String term = "MYGLU-" + UUID.randomUUID().toString().substring(0, 8);
        ConceptMap contradictory = conceptMap(term, "1558-6", "2345-7");
        assertThat(uploadStatus(contradictory)).isEqualTo(422);

        assertThat(uploadStatus(conceptMap(term, "1558-6"))).isEqualTo(201);
        String rid = newResidentId();
        receipt(post((HEADER + rid + ",,,,,,2026-11-20," + term + ",血糖,5.0,mmol/L,,\n")
                .getBytes(StandardCharsets.UTF_8), "text/csv; charset=utf-8", hospitalToken));
        Observation stored = observationsWithCode(localSystem("hosp-beijing"), term).get(0);
        assertThat(stored.getCode().getCoding()).anySatisfy(c -> assertThat(c.getCode()).isEqualTo("1558-6"));
        assertThat(stored.getCode().getCoding()).noneSatisfy(c -> assertThat(c.getCode()).isEqualTo("2345-7"));
    }

    private static ConceptMap conceptMap(String term, String... targets) {
        ConceptMap map = new ConceptMap();
        map.setUrl("https://hosp-beijing.example.cn/ConceptMap/" + UUID.randomUUID());
        map.setStatus(Enumerations.PublicationStatus.ACTIVE);
        // HAPI requires group.source; local-any makes the group match codes and names like the starter set.
        ConceptMap.ConceptMapGroupComponent g = map.addGroup().setSource(TerminologyMaps.ANY_LOCAL_SYSTEM)
                .setTarget("http://loinc.org");
        for (String t : targets) {
            g.addElement().setCode(term).addTarget().setCode(t)
                    .setEquivalence(Enumerations.ConceptMapEquivalence.EQUIVALENT);
        }
        return map;
    }

    private int uploadStatus(ConceptMap map) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/ConceptMap"))
                .POST(HttpRequest.BodyPublishers.ofString(ctx.newJsonParser().encodeResourceToString(map)))
                .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + hospitalToken)
                .build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    /** Asserts an RFC 7807 problem; row -1 means "no errors list expected", else the first error's row/column. */
    private JsonNode assertProblem(HttpResponse<String> response, int status, int row, String column)
            throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).get().asString()
                .startsWith("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).isNotBlank();
        if (row >= 0) {
            JsonNode errors = problem.get("errors");
            assertThat(errors).as(response.body()).isNotNull();
            assertThat(errors.size()).isPositive();
            boolean found = false;
            for (JsonNode e : errors) {
                found |= e.get("row").asInt() == row && (column == null
                        ? true : column.equals(e.get("column").asText(null)));
                assertThat(e.get("message").asText()).isNotBlank().doesNotContain("110101");
            }
            assertThat(found).as("an error at row " + row + " column " + column + " in " + response.body()).isTrue();
        }
        return problem;
    }

}
