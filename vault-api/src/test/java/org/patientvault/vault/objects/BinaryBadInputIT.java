package org.patientvault.vault.objects;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patientvault.storage.EncryptedObjectStore;
import org.patientvault.storage.VaultBinaryStorageSvc;
import org.patientvault.vault.FhirIT;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Bad Binary uploads (the IT context limits request bodies to 2 MB): each is a clear 4xx and leaves no Binary and no
 * object behind. A body cut short before its declared Content-Length is in {@link ObjectStorageIT}.
 */
class BinaryBadInputIT extends FhirIT {

    private static final int OVER_LIMIT = 3 * 1024 * 1024;

    @Autowired
    EncryptedObjectStore store;

    private final HttpClient http = HttpClient.newHttpClient();
    private String patient;
    private int binariesBefore;
    private long objectsBefore;

    @BeforeEach
    void patientAndCounts() {
        Patient p = new Patient();
        p.addIdentifier().setSystem("urn:test:mrn").setValue(UUID.randomUUID().toString());
        patient = client.create().resource(p).execute().getId().getIdPart();
        binariesBefore = count("Binary");
        objectsBefore = objectCount();
    }

    private void assertNothingStored() {
        assertThat(count("Binary")).as("no Binary stored").isEqualTo(binariesBefore);
        assertThat(objectCount()).as("no object stored").isEqualTo(objectsBefore);
    }

    @Test
    void anEmptyRawBodyIsA400() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary"))
                .header("Authorization", "Bearer " + hospitalToken).header("Content-Type", "application/pdf")
                .header("X-Security-Context", "Patient/" + patient).header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(outcome(r.body())).containsIgnoringCase("no content");
        assertNothingStored();
    }

    @Test
    void aFhirBinaryWithoutDataIsA400() throws Exception {
        Binary empty = new Binary().setContentType("application/pdf");
        empty.setSecurityContext(new Reference("Patient/" + patient));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary"))
                .header("Authorization", "Bearer " + hospitalToken).header("Content-Type", "application/fhir+json")
                .header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(ctx.newJsonParser().encodeResourceToString(empty)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(outcome(r.body())).containsIgnoringCase("no content");
        assertNothingStored();
    }

    @Test
    void aDeclaredLengthOverTheMaximumIsA413BeforeTheBodyIsRead() throws Exception {
        String response = exchange(head("Content-Length: " + OVER_LIMIT), new byte[64 * 1024], true);
        assertThat(status(response)).as(response).isEqualTo(413);
        assertThat(response).contains("OperationOutcome").contains("max-request-size");
        assertNothingStored();
    }

    @Test
    void aStreamedBodyOverTheMaximumIsA413() throws Exception {
        byte[] body = new byte[OVER_LIMIT];
        Arrays.fill(body, (byte) 'x');
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/Binary"))
                .header("Authorization", "Bearer " + hospitalToken).header("Content-Type", "application/pdf")
                .header("X-Security-Context", "Patient/" + patient).header("Accept", "application/fhir+json")
                // An InputStream publisher has no known length: sent chunked, counted as it is read.
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(outcome(r.body())).contains("max-request-size");
        assertNothingStored();
    }

    @Test
    void conflictingDeclaredLengthsAreA400() throws Exception {
        byte[] body = new byte[100_000];
        String response = exchange(head("Content-Length: " + body.length + "\r\nContent-Length: " + (body.length / 2)),
                body, true);
        assertThat(status(response)).as(response).isEqualTo(400);
        assertNothingStored();
    }

    @Test
    void aChunkedBodyCutShortIsA4xx() throws Exception {
        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        chunked.write(("30000\r\n").getBytes(StandardCharsets.US_ASCII)); // declares 196,608 bytes in this chunk
        chunked.write(new byte[100_000]); // then the client stops sending
        String response = exchange(head("Transfer-Encoding: chunked"), chunked.toByteArray(), true);
        assertThat(status(response)).as(response).isBetween(400, 499);
        assertNothingStored();
    }

    private String head(String lengthHeaders) {
        return "POST /fhir/Binary HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + hospitalToken
                + "\r\nContent-Type: application/pdf\r\nX-Security-Context: Patient/" + patient
                + "\r\nAccept: application/fhir+json\r\n" + lengthHeaders + "\r\nConnection: close\r\n\r\n";
    }

    /** Sends a request as raw bytes (optionally half-closing after the body) and returns the whole response. */
    private String exchange(String head, byte[] body, boolean halfClose) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(body);
                out.flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may answer and close before reading the whole body (e.g. 413 on the declared length).
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            try {
                in.transferTo(response);
            } catch (IOException e) {
                // A reset after the response was written still leaves the response.
            }
            return response.toString(StandardCharsets.UTF_8);
        }
    }

    private static int status(String response) {
        return response.length() < 12 ? -1 : Integer.parseInt(response.substring(9, 12));
    }

    private String outcome(String body) {
        return ctx.newJsonParser().parseResource(OperationOutcome.class, body).getIssueFirstRep().getDiagnostics();
    }

    private long objectCount() {
        try (var s = store.objects().list(VaultBinaryStorageSvc.OBJECT_PREFIX)) {
            return s.count();
        }
    }
}
