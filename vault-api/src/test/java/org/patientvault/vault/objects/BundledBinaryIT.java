package org.patientvault.vault.objects;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.storage.VaultBinaryStorageSvc;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.TestBundles;
import org.patientvault.vault.devissuer.DevIssuerLogin;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Binaries created inside Bundles posted to {@code /fhir}: in a transaction (a submission, with its Provenance, the
 * securityContext naming the Patient entry of the same Bundle by urn:uuid) and in a batch (naming a stored Patient).
 * Each gets its version row, is stored encrypted under its patient's key, and reads back (raw, by range, as FHIR
 * JSON) for its owner patient and its submitting hospital, while another patient and another hospital get exactly
 * the 404 of an unknown id. A Binary naming no Patient is refused with a 422, and nothing of it is left.
 *
 * <p>Regression: the consent service used to reject the write outcome of a Binary whose securityContext was still a
 * placeholder (or absent), HAPI then dropped the outcome's resource and its transaction processor skipped the version
 * row, leaving an HFJ_RESOURCE row nobody could read.
 */
class BundledBinaryIT extends FhirIT {

    private static final String ALICE_RID = "110101198503120025";
    private static final String BOB_RID = "310104197809210017";
    private static final int SIZE = 200_000;

    @Autowired
    EncryptedObjectStore store;
    @Autowired
    DataSource dataSource;

    private final HttpClient http = HttpClient.newHttpClient();

    private static byte[] content(String marker) {
        StringBuilder b = new StringBuilder(SIZE + 64);
        for (int i = 0; b.length() < SIZE; i++) {
            b.append(marker).append(':').append(i).append('\n');
        }
        return Arrays.copyOf(b.toString().getBytes(StandardCharsets.US_ASCII), SIZE);
    }

    private static Binary binary(byte[] bytes, String securityContext) {
        Binary bin = new Binary().setContentType("application/pdf").setData(bytes);
        if (securityContext != null) {
            bin.setSecurityContext(new Reference(securityContext));
        }
        return bin;
    }

    private HttpResponse<String> postBundle(Bundle bundle) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl()))
                .header("Authorization", "Bearer " + hospitalToken)
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(ctx.newJsonParser().encodeResourceToString(bundle)))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String idOf(Bundle.BundleEntryComponent entry) {
        return new IdType(entry.getResponse().getLocation()).getIdPart();
    }

    @Test
    void binariesFromATransactionAndABatchAreReadableByTheirOwnersOnly() throws Exception {
        // bob needs a record of his own, so his login links to a Patient and he is a real "other patient".
        client.transaction().withBundle(TestBundles.checkup(BOB_RID, 4.9)).execute();

        // Transaction (goes through the submission path, which adds a Provenance naming every entry).
        byte[] inTx = content("tx-" + UUID.randomUUID());
        Bundle tx = TestBundles.checkup(ALICE_RID, 5.2);
        String patientUrl = tx.getEntryFirstRep().getFullUrl();
        tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(binary(inTx, patientUrl))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Binary");
        HttpResponse<String> txResponse = postBundle(tx);
        assertThat(txResponse.statusCode()).as(txResponse.body()).isEqualTo(200);
        Bundle txResult = ctx.newJsonParser().parseResource(Bundle.class, txResponse.body());
        String alicePatient = idOf(txResult.getEntry().get(0));
        String txBinary = idOf(txResult.getEntry().get(2));

        // Batch of one Binary, naming alice's stored Patient.
        byte[] inBatch = content("batch-" + UUID.randomUUID());
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
                .setResource(binary(inBatch, "Patient/" + alicePatient))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Binary");
        HttpResponse<String> batchResponse = postBundle(batch);
        assertThat(batchResponse.statusCode()).as(batchResponse.body()).isEqualTo(200);
        Bundle batchResult = ctx.newJsonParser().parseResource(Bundle.class, batchResponse.body());
        assertThat(batchResult.getEntryFirstRep().getResponse().getStatus()).startsWith("201");
        String batchBinary = idOf(batchResult.getEntryFirstRep());

        String alice = DevIssuerLogin.userToken("http://localhost:" + port, "alice", "alice-demo");
        String bob = DevIssuerLogin.userToken("http://localhost:" + port, "bob", "bob-demo");
        String shanghai = DevIssuerLogin.clientCredentialsToken("http://localhost:" + port, "hosp-shanghai",
                "hosp-shanghai-secret");

        for (String[] c : new String[][] {{txBinary, new String(inTx, StandardCharsets.US_ASCII)},
                {batchBinary, new String(inBatch, StandardCharsets.US_ASCII)}}) {
            String id = c[0];
            byte[] bytes = c[1].getBytes(StandardCharsets.US_ASCII);
            assertThat(versionRows(id)).as("Binary/" + id + " has its version row").isEqualTo(1);
            Binary stored = (Binary) daos.getResourceDao("Binary").read(new IdType("Binary", id),
                    systemWithoutInflation());
            String blobId = BinaryStreaming.externalId(stored).orElseThrow();
            assertThat(store.describe(VaultBinaryStorageSvc.objectKey(blobId)).owner())
                    .as("encrypted under alice's key").isEqualTo(alicePatient);

            for (String[] reader : new String[][] {{"alice", alice}, {"hosp-beijing", hospitalToken}}) {
                HttpResponse<byte[]> raw = getRaw(reader[1], id, null);
                assertThat(raw.statusCode()).as(reader[0] + " raw").isEqualTo(200);
                assertThat(raw.body()).as(reader[0] + " raw").isEqualTo(bytes);
                HttpResponse<byte[]> range = getRaw(reader[1], id, "bytes=65530-70000");
                assertThat(range.statusCode()).as(reader[0] + " range").isEqualTo(206);
                assertThat(range.body()).isEqualTo(Arrays.copyOfRange(bytes, 65530, 70001));
                HttpResponse<String> json = get(reader[1], id, "application/fhir+json");
                assertThat(json.statusCode()).as(reader[0] + " as FHIR JSON").isEqualTo(200);
                assertThat(ctx.newJsonParser().parseResource(Binary.class, json.body()).getData()).isEqualTo(bytes);
            }

            String unknown = UUID.randomUUID().toString();
            for (String[] other : new String[][] {{"bob", bob}, {"hosp-shanghai", shanghai}}) {
                for (String accept : new String[] {"application/pdf", "application/fhir+json"}) {
                    HttpResponse<String> foreign = get(other[1], id, accept);
                    HttpResponse<String> missing = get(other[1], unknown, accept);
                    assertThat(foreign.statusCode()).as(other[0] + " " + accept).isEqualTo(404);
                    assertThat(missing.statusCode()).isEqualTo(404);
                    assertThat(foreign.body().replace(id, "ID")).as(other[0] + " " + accept)
                            .isEqualTo(missing.body().replace(unknown, "ID"));
                    assertThat(foreign.body()).doesNotContain(c[1].substring(0, 10));
                }
            }
        }
    }

    @Test
    void aBinaryNamingNoPatientIsRefusedAndLeavesNothing() throws Exception {
        int binaries = count("Binary");
        long objects = objectCount();
        int resourceRows = binaryRows();

        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
                .setResource(binary(content("nobody-" + UUID.randomUUID()), null))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Binary");
        HttpResponse<String> r = postBundle(batch);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Bundle.BundleEntryComponent entry = ctx.newJsonParser().parseResource(Bundle.class, r.body())
                .getEntryFirstRep();
        assertThat(entry.getResponse().getStatus()).startsWith("422");
        OperationOutcome oo = (OperationOutcome) entry.getResponse().getOutcome();
        assertThat(oo.getIssueFirstRep().getDiagnostics()).contains("securityContext");

        Bundle tx = TestBundles.checkup(ALICE_RID, 5.0);
        tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
                .setResource(binary(content("nobody-" + UUID.randomUUID()), null))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Binary");
        HttpResponse<String> txr = postBundle(tx);
        assertThat(txr.statusCode()).as(txr.body()).isEqualTo(422);
        assertThat(ctx.newJsonParser().parseResource(OperationOutcome.class, txr.body()).getIssueFirstRep()
                .getDiagnostics()).contains("securityContext");

        assertThat(count("Binary")).isEqualTo(binaries);
        assertThat(binaryRows()).as("no HFJ_RESOURCE row left behind").isEqualTo(resourceRows);
        assertThat(objectCount()).as("no object stored").isEqualTo(objects);
    }

    private int versionRows(String binaryId) {
        return new JdbcTemplate(dataSource).queryForObject("SELECT count(*) FROM hfj_res_ver v JOIN hfj_resource r"
                + " ON r.res_id = v.res_id WHERE r.res_type = 'Binary' AND r.fhir_id = ?", Integer.class, binaryId);
    }

    private int binaryRows() {
        return new JdbcTemplate(dataSource).queryForObject(
                "SELECT count(*) FROM hfj_resource WHERE res_type = 'Binary'", Integer.class);
    }

    private long objectCount() {
        try (var s = store.objects().list(VaultBinaryStorageSvc.OBJECT_PREFIX)) {
            return s.count();
        }
    }

    private static ca.uhn.fhir.rest.api.server.SystemRequestDetails systemWithoutInflation() {
        var system = new ca.uhn.fhir.rest.api.server.SystemRequestDetails();
        system.getUserData().put(ca.uhn.fhir.jpa.binary.interceptor.BinaryStorageInterceptor
                .AUTO_INFLATE_BINARY_CONTENT_KEY, Boolean.FALSE);
        return system;
    }

    private HttpResponse<byte[]> getRaw(String token, String binaryId, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary/" + binaryId))
                .header("Authorization", "Bearer " + token).header("Accept", "application/pdf");
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> get(String token, String binaryId, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary/" + binaryId))
                .header("Authorization", "Bearer " + token).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
