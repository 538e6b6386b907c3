package org.patientvault.vault.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.interceptor.api.IAnonymousInterceptor;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.ExpungeOptions;
import ca.uhn.fhir.jpa.binary.interceptor.BinaryStorageInterceptor;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.UUID;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.storage.ReconcileReport;
import org.patientvault.storage.StoredObject;
import org.patientvault.storage.VaultBinaryStorageSvc;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.TestBundles;
import org.patientvault.vault.devissuer.DevIssuerLogin;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The encrypted object store behind {@code /fhir}: Binary content over the inline threshold lands in the (embedded)
 * S3 store encrypted under its patient's key, reads back byte-identical in full and by range, goes away on expunge and
 * when orphaned, and an S3 outage is a 503 that stores nothing.
 */
class ObjectStorageIT extends FhirIT {

    private static final String ALICE_RID = "110101198503120025";
    private static final int SIZE = 300_000;

    @Autowired
    EncryptedObjectStore store;
    @Autowired
    EmbeddedObjects embedded;
    @Autowired
    BinaryReconciliation reconciliation;
    @Autowired
    IInterceptorService jpaInterceptors;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Readable, non-repeating-at-segment-size plaintext, so "the stored bytes are not the plaintext" can fail. */
    private static byte[] content(String marker) {
        StringBuilder b = new StringBuilder(SIZE + 64);
        for (int i = 0; b.length() < SIZE; i++) {
            b.append(marker).append(':').append(i).append('\n');
        }
        return Arrays.copyOf(b.toString().getBytes(StandardCharsets.US_ASCII), SIZE);
    }

    /** hosp-beijing submits a Patient of its own (unique MRN) and a Binary whose securityContext is that Patient. */
    private Stored submit(byte[] bytes) {
        Patient p = new Patient();
        p.addIdentifier().setSystem("urn:test:mrn").setValue(UUID.randomUUID().toString());
        String patient = client.create().resource(p).execute().getId().getIdPart();
        return submit(patient, bytes);
    }

    /**
     * A Binary POSTed on its own as FHIR JSON (Bundles: {@link BundledBinaryIT}). Not through HAPI's client, which
     * sends a Binary as raw bytes and so drops its securityContext.
     */
    private Stored submit(String patient, byte[] bytes) {
        Binary bin = new Binary().setContentType("application/pdf").setData(bytes);
        bin.setSecurityContext(new Reference("Patient/" + patient));
        HttpResponse<String> created;
        try {
            created = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary"))
                    .header("Authorization", "Bearer " + hospitalToken)
                    .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(ctx.newJsonParser().encodeResourceToString(bin)))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String binary = new IdType(created.headers().firstValue("Location").orElseThrow()).getIdPart();
        return new Stored(patient, binary, blobId(binary));
    }

    record Stored(String patient, String binary, String blobId) {
    }

    /** The blob id in the stored resource, read as the system without inflating the content. */
    private String blobId(String binaryId) {
        SystemRequestDetails system = new SystemRequestDetails();
        system.getUserData().put(BinaryStorageInterceptor.AUTO_INFLATE_BINARY_CONTENT_KEY, Boolean.FALSE);
        Binary stored = (Binary) daos.getResourceDao("Binary").read(new IdType("Binary", binaryId), system);
        assertThat(stored.getData()).as("content is not kept in the database").isNull();
        return BinaryStreaming.externalId(stored).orElseThrow();
    }

    private HttpResponse<byte[]> getRaw(String binaryId, String range) throws Exception {
        return getRaw(hospitalToken, binaryId, range);
    }

    private HttpResponse<byte[]> getRaw(String token, String binaryId, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary/" + binaryId))
                .header("Authorization", "Bearer " + token).header("Accept", "application/pdf");
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void largeBinaryIsStoredEncryptedUnderItsPatientsKeyAndReadsBackIdentical() throws Exception {
        byte[] bytes = content("alice-scan-" + UUID.randomUUID());
        Stored s = submit(bytes);

        StoredObject described = store.describe(VaultBinaryStorageSvc.objectKey(s.blobId()));
        assertThat(described.owner()).as("encrypted under the patient's key").isEqualTo(s.patient());
        assertThat(described.size()).isEqualTo(SIZE);
        byte[] raw;
        try (InputStream in = store.objects().get(VaultBinaryStorageSvc.objectKey(s.blobId()))) {
            raw = in.readAllBytes();
        }
        assertThat(raw.length).isGreaterThan(SIZE);
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).as("stored bytes are ciphertext")
                .doesNotContain("alice-scan-");

        HttpResponse<byte[]> r = getRaw(s.binary(), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        assertThat(r.headers().firstValue("Accept-Ranges")).contains("bytes");
        assertThat(r.body()).isEqualTo(bytes);

        // As a FHIR resource the content is inflated back into Binary.data.
        Binary asResource = client.read().resource(Binary.class).withId(s.binary()).execute();
        assertThat(asResource.getData()).isEqualTo(bytes);
    }

    @Test
    void ownersReadTheirBinaryAndOthersGetTheSame404AsForAnUnknownId() throws Exception {
        byte[] bytes = content("owner-" + UUID.randomUUID());
        // A hospital record for alice's resident ID first, so her login links to it (as in production).
        Bundle checkup = client.transaction().withBundle(TestBundles.checkup(ALICE_RID, 5.0)).execute();
        Stored s = submit(new IdType(checkup.getEntry().get(0).getResponse().getLocation()).getIdPart(), bytes);
        var alice = alice();

        Binary asResource = alice.read().resource(Binary.class).withId(s.binary()).execute();
        assertThat(asResource.getData()).as("alice, whose Patient the securityContext names").isEqualTo(bytes);
        String aliceToken = DevIssuerLogin.userToken("http://localhost:" + port, "alice", "alice-demo");
        assertThat(getRaw(aliceToken, s.binary(), "bytes=10-19").body()).isEqualTo(Arrays.copyOfRange(bytes, 10, 20));
        assertThat(getRaw(s.binary(), null).statusCode()).as("hosp-beijing, the submitter").isEqualTo(200);

        String shanghai = DevIssuerLogin.clientCredentialsToken("http://localhost:" + port, "hosp-shanghai",
                "hosp-shanghai-secret");
        String unknown = UUID.randomUUID().toString();
        for (String accept : new String[] {"application/pdf", "application/fhir+json"}) {
            HttpResponse<String> foreign = getAs(shanghai, s.binary(), accept);
            HttpResponse<String> missing = getAs(shanghai, unknown, accept);
            assertThat(foreign.statusCode()).as("hosp-shanghai, " + accept).isEqualTo(404);
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(foreign.body().replace(s.binary(), "ID")).isEqualTo(missing.body().replace(unknown, "ID"));
            assertThat(foreign.body()).doesNotContain("owner-");
        }
    }

    private HttpResponse<String> getAs(String token, String binaryId, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary/" + binaryId))
                .header("Authorization", "Bearer " + token).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rangeReadsReturnTheRequestedSlice() throws Exception {
        byte[] bytes = content("range-" + UUID.randomUUID());
        Stored s = submit(bytes);

        HttpResponse<byte[]> middle = getRaw(s.binary(), "bytes=65530-140000");
        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(middle.headers().firstValue("Content-Range")).contains("bytes 65530-140000/" + SIZE);
        assertThat(middle.body()).isEqualTo(Arrays.copyOfRange(bytes, 65530, 140001));

        HttpResponse<byte[]> suffix = getRaw(s.binary(), "bytes=-100");
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(bytes, SIZE - 100, SIZE));

        HttpResponse<byte[]> open = getRaw(s.binary(), "bytes=299990-");
        assertThat(open.headers().firstValue("Content-Range")).contains("bytes 299990-299999/" + SIZE);
        assertThat(open.body()).isEqualTo(Arrays.copyOfRange(bytes, 299990, SIZE));

        HttpResponse<byte[]> beyond = getRaw(s.binary(), "bytes=" + SIZE + "-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + SIZE);
    }

    /** The submitting hospital stores {@code v2} as the Binary's second version. */
    private void putSecondVersion(Stored s, byte[] v2) throws Exception {
        Binary update = new Binary().setContentType("application/pdf").setData(v2);
        update.setId(s.binary());
        update.setSecurityContext(new Reference("Patient/" + s.patient()));
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary/" + s.binary()))
                .header("Authorization", "Bearer " + hospitalToken)
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .PUT(HttpRequest.BodyPublishers.ofString(ctx.newJsonParser().encodeResourceToString(update)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }

    @Test
    void expungingAVersionRemovesItsObjectAndKeepsTheCurrentOne() throws Exception {
        Stored s = submit(content("v1-" + UUID.randomUUID()));
        byte[] v2 = content("v2-" + UUID.randomUUID());
        putSecondVersion(s, v2);
        String current = blobId(s.binary());
        assertThat(current).isNotEqualTo(s.blobId());
        assertThat(store.describe(VaultBinaryStorageSvc.objectKey(current)).owner()).isEqualTo(s.patient());
        assertThat(store.exists(VaultBinaryStorageSvc.objectKey(s.blobId()))).as("version 1 stays for vread").isTrue();

        daos.getResourceDao("Binary").expunge(new IdType("Binary", s.binary()),
                new ExpungeOptions().setExpungeOldVersions(true), new SystemRequestDetails());

        assertThat(store.exists(VaultBinaryStorageSvc.objectKey(s.blobId()))).isFalse();
        assertThat(store.exists(VaultBinaryStorageSvc.objectKey(current))).isTrue();
        assertThat(getRaw(s.binary(), null).body()).isEqualTo(v2);
    }

    @Test
    void anExpungeDeletesTheObjectOnlyAfterItsCommitAndARolledBackOneKeepsIt() throws Exception {
        Stored s = submit(content("v1-" + UUID.randomUUID()));
        byte[] v2 = content("v2-" + UUID.randomUUID());
        putSecondVersion(s, v2);
        String v1Key = VaultBinaryStorageSvc.objectKey(s.blobId());
        // HAPI runs the expunge in its own transaction. A hook after HAPI's blob hook sees the object still there
        // (the deletion waits for the commit) and, the first time, fails the expunge, which rolls it back.
        java.util.concurrent.atomic.AtomicBoolean failExpunge = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.List<Boolean> presentDuringExpunge = new java.util.concurrent.CopyOnWriteArrayList<>();
        IAnonymousInterceptor probe = (pointcut, params) -> {
            presentDuringExpunge.add(store.exists(v1Key));
            if (failExpunge.get()) {
                throw new IllegalStateException("expunge fails after its blob hook ran");
            }
        };
        jpaInterceptors.registerAnonymousInterceptor(Pointcut.STORAGE_PRESTORAGE_EXPUNGE_RESOURCE, 1000, probe);
        try {
            assertThatThrownBy(() -> daos.getResourceDao("Binary").expunge(new IdType("Binary", s.binary()),
                    new ExpungeOptions().setExpungeOldVersions(true), new SystemRequestDetails()))
                    .hasMessageContaining("expunge fails");
            assertThat(presentDuringExpunge).as("not deleted before the commit").containsOnly(true).isNotEmpty();
            assertThat(store.exists(v1Key)).as("a rolled-back expunge keeps the bytes").isTrue();
            HttpResponse<byte[]> vread = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary/"
                            + s.binary() + "/_history/1")).header("Authorization", "Bearer " + hospitalToken)
                    .header("Accept", "application/pdf").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(vread.statusCode()).as("version 1 is still readable").isEqualTo(200);

            failExpunge.set(false);
            presentDuringExpunge.clear();
            daos.getResourceDao("Binary").expunge(new IdType("Binary", s.binary()),
                    new ExpungeOptions().setExpungeOldVersions(true), new SystemRequestDetails());
            assertThat(presentDuringExpunge).as("still there until the commit").containsOnly(true).isNotEmpty();
        } finally {
            jpaInterceptors.unregisterInterceptor(probe);
        }
        assertThat(store.exists(v1Key)).as("deleted once the expunge committed").isFalse();
        assertThat(getRaw(s.binary(), null).body()).isEqualTo(v2);
    }

    @Test
    void reconcilerDeletesOldUnreferencedObjectsOnly() throws Exception {
        Stored referenced = submit(content("kept-" + UUID.randomUUID()));
        String orphan = "orphan" + UUID.randomUUID().toString().replace("-", "");
        store.put("vault", VaultBinaryStorageSvc.objectKey(orphan),
                new ByteArrayInputStream("written, then the process died".getBytes(StandardCharsets.UTF_8)), -1,
                "text/plain");
        String young = "young" + UUID.randomUUID().toString().replace("-", "");
        store.put("vault", VaultBinaryStorageSvc.objectKey(young),
                new ByteArrayInputStream("reference about to commit".getBytes(StandardCharsets.UTF_8)), -1,
                "text/plain");
        // The embedded store keeps objects as files; their modification time is the objects' age.
        ageBeyondGrace(referenced.blobId());
        ageBeyondGrace(orphan);

        ReconcileReport report = reconciliation.runOnce().orElseThrow();

        assertThat(report.deleted()).isGreaterThanOrEqualTo(1);
        assertThat(store.exists(VaultBinaryStorageSvc.objectKey(orphan))).isFalse();
        assertThat(store.exists(VaultBinaryStorageSvc.objectKey(referenced.blobId()))).isTrue();
        assertThat(store.exists(VaultBinaryStorageSvc.objectKey(young))).as("inside the grace period").isTrue();
        assertThat(getRaw(referenced.binary(), "bytes=0-4").statusCode()).isEqualTo(206);
        store.delete(VaultBinaryStorageSvc.objectKey(young));
    }

    private void ageBeyondGrace(String blobId) throws IOException {
        Path file = embedded.directory().resolve("vault").resolve(VaultBinaryStorageSvc.objectKey(blobId));
        assertThat(file).exists();
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
    }

    @Test
    void truncatedUploadIsA4xxAndLeavesNoObject() throws Exception {
        long objectsBefore = objectCount();
        int binariesBefore = count("Binary");
        byte[] body = content("truncated-" + UUID.randomUUID());
        int status;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /fhir/Binary HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + hospitalToken
                    + "\r\nContent-Type: application/pdf\r\nContent-Length: " + (body.length * 2)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.shutdownOutput();
            String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            status = statusLine.length() < 12 ? -1 : Integer.parseInt(statusLine.substring(9, 12));
        }
        assertThat(status).as("a clear client error").isBetween(400, 499);
        assertThat(count("Binary")).isEqualTo(binariesBefore);
        assertThat(objectCount()).isEqualTo(objectsBefore);
    }

    @Test
    void objectStoreDownIsA503WithAnOperationOutcomeAndStoresNothing() throws Exception {
        int binariesBefore = count("Binary");
        Binary bin = new Binary().setContentType("application/pdf").setData(content("down-" + UUID.randomUUID()));
        Patient p = new Patient();
        p.addIdentifier().setSystem("urn:test:mrn").setValue(UUID.randomUUID().toString());
        bin.setSecurityContext(new Reference("Patient/" + client.create().resource(p).execute().getId().getIdPart()));
        String json = ctx.newJsonParser().encodeResourceToString(bin);
        HttpResponse<String> r;
        embedded.stop();
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary"))
                    .header("Authorization", "Bearer " + hospitalToken)
                    .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            embedded.restart();
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        OperationOutcome oo = ctx.newJsonParser().parseResource(OperationOutcome.class, r.body());
        assertThat(oo.getIssueFirstRep().getDiagnostics()).containsIgnoringCase("storage");
        assertThat(count("Binary")).isEqualTo(binariesBefore);
    }

    private long objectCount() {
        try (var s = store.objects().list(VaultBinaryStorageSvc.OBJECT_PREFIX)) {
            return s.count();
        }
    }

}
