package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomElement;
import org.patientvault.mapping.dicom.DicomFile;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.mapping.dicom.DicomTransferSyntax;
import org.patientvault.mapping.dicom.DicomVr;
import org.patientvault.mapping.dicom.DicomWriter;
import org.patientvault.vault.FreshDatabase;
import org.patientvault.vault.TestBundles;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * The end-to-end tier: the vault trusting the real Keycloak realm, hospitals submitting with client-credentials
 * tokens and patients reading with their own. Data is submitted once per JVM: alice's records by hosp-beijing and
 * bob's by hosp-shanghai.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "vault.security.oidc-issuer=${VAULT_TEST_KEYCLOAK_URL:http://127.0.0.1:18080}/realms/vault",
        "vault.security.clock-skew=0s",
        "vault.cohort.allow-insecure-callbacks=true",
        "vault.data-dir=target/e2e-data"})
@ContextConfiguration(initializers = FreshDatabase.class)
abstract class E2EBase {

    static final String ALICE_RID = "110101198503120025";
    static final String BOB_RID = "310104197809210017";
    static final String JSON = "application/fhir+json";

    /** alice's records as submitted by hosp-beijing, and bob's by hosp-shanghai. */
    record World(String alicePatient, String aliceObs, String aliceObs2, String aliceBinary, String bobPatient,
                 String bobObs, String aliceStudy) {
    }

    static World world;

    @LocalServerPort
    int port;

    @Autowired
    FhirContext ctx;

    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void submitOnce() throws Exception {
        synchronized (E2EBase.class) {
            if (world != null && world.alicePatient() != null && reachable(world.alicePatient())) {
                return;
            }
            Bundle alice = TestBundles.checkup(ALICE_RID, 5.4);
            alice.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
                    .setResource(TestBundles.glucose(alice.getEntry().get(0).getFullUrl(), 6.6))
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
            Binary bin = new Binary().setContentType("text/plain").setData("alice's scan".getBytes());
            bin.setSecurityContext(new Reference(alice.getEntry().get(0).getFullUrl()));
            alice.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(bin)
                    .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Binary");
            Bundle a = submit("hosp-beijing", alice);
            Bundle b = submit("hosp-shanghai", TestBundles.checkup(BOB_RID, 4.9));
            String study = "2.25." + Math.abs(new java.util.Random().nextLong());
            storeStudy("hosp-beijing", study, ALICE_RID);
            world = new World(id(a, 0), id(a, 1), id(a, 2), id(a, 3), id(b, 0), id(b, 1), study);
        }
    }

    private boolean reachable(String alicePatient) {
        // Another Spring context (fresh database) may have started since; resubmit there.
        try {
            return get("hosp-beijing", "Patient/" + alicePatient).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    Bundle submit(String caller, Bundle bundle) throws Exception {
        HttpResponse<String> r = send(KeycloakTokens.token(caller), "POST", "",
                ctx.newJsonParser().encodeResourceToString(bundle));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ctx.newJsonParser().parseResource(Bundle.class, r.body());
    }

    /**
     * Stores a one-instance CT study (8×8 pixels, written with fhir-mapping's DicomWriter) whose header names the
     * patient by resident ID (Other Patient IDs Sequence), by STOW-RS as {@code caller}; returns the Part-10 bytes sent.
     */
    byte[] storeStudy(String caller, String study, String residentId) throws Exception {
        return storeStudy(caller, study, residentId, false);
    }

    /** As above; {@code research} adds the CT acquisition attributes research needs (a high quality score). */
    byte[] storeStudy(String caller, String study, String residentId, boolean research) throws Exception {
        DicomDataset ds = new DicomDataset();
        if (research) {
            ds.putString(DicomTags.SliceThickness, DicomVr.DS, "1.25");
            ds.putString(DicomTags.KVP, DicomVr.DS, "120");
            ds.putString(DicomTags.ConvolutionKernel, DicomVr.SH, "LUNG");
            ds.putString(DicomTags.PixelSpacing, DicomVr.DS, "0.7\\0.7");
            ds.putString(DicomTags.Manufacturer, DicomVr.LO, "ACME");
            ds.putString(DicomTags.ManufacturerModelName, DicomVr.LO, "Scanner 1");
            ds.putString(DicomTags.BodyPartExamined, DicomVr.CS, "CHEST");
            ds.putString(DicomTags.StudyDescription, DicomVr.LO, "CT chest");
        }
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI,
                "1.2.840.10008.5.1.4.1.1.2");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI,
                study + ".1.1");
        ds.putString(DicomTags.Modality, DicomVr.CS, "CT");
        ds.putString(DicomTags.StudyDate, DicomVr.DA, "20261001");
        ds.putString(DicomTags.PatientName, DicomVr.PN, "Li^Alice");
        ds.putString(DicomTags.PatientID, DicomVr.LO, "E2E-" + study);
        DicomDataset other = new DicomDataset();
        other.putString(DicomTags.PatientID, DicomVr.LO, residentId);
        other.putString(DicomTags.IssuerOfPatientID, DicomVr.LO,
                "CN-RESIDENT-ID");
        ds.putSequence(0x00101002, java.util.List.of(other));
        ds.putString(DicomTags.StudyInstanceUID, DicomVr.UI, study);
        ds.putString(DicomTags.SeriesInstanceUID, DicomVr.UI,
                study + ".1");
        ds.putString(DicomTags.InstanceNumber, DicomVr.IS, "1");
        ds.putInt(DicomTags.SamplesPerPixel, DicomVr.US, 1);
        ds.putString(DicomTags.PhotometricInterpretation,
                DicomVr.CS, "MONOCHROME2");
        ds.putInt(DicomTags.Rows, DicomVr.US, 8);
        ds.putInt(DicomTags.Columns, DicomVr.US, 8);
        ds.putInt(DicomTags.BitsAllocated, DicomVr.US, 8);
        ds.putInt(DicomTags.BitsStored, DicomVr.US, 8);
        ds.putInt(DicomTags.HighBit, DicomVr.US, 7);
        ds.putInt(DicomTags.PixelRepresentation, DicomVr.US, 0);
        byte[] pixels = new byte[64];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 4);
        }
        ds.put(DicomElement.of(DicomTags.PixelData,
                DicomVr.OB, pixels));
        byte[] dicom = new DicomWriter().toBytes(DicomFile.of(ds,
                DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write("--e2e\r\nContent-Type: application/dicom\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        body.write(dicom);
        body.write("\r\n--e2e--\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/dicomweb/studies"))
                .header("Authorization", "Bearer " + KeycloakTokens.token(caller))
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=e2e")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return dicom;
    }

    static String id(Bundle response, int entry) {
        return new IdType(response.getEntry().get(entry).getResponse().getLocation()).getIdPart();
    }

    HttpResponse<String> get(String caller, String path) throws Exception {
        return send(KeycloakTokens.token(caller), "GET", path, null);
    }

    /** @param headers name, value pairs */
    HttpResponse<String> send(String token, String method, String path, String body, String... headers)
            throws Exception {
        // Paths starting with "/" are outside /fhir (e.g. /dicomweb/...).
        String url = (path.startsWith("http") ? path : path.startsWith("/") ? "http://localhost:" + port + path
                : "http://localhost:" + port + "/fhir/" + path)
                .replace("|", "%7C");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", JSON);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", JSON).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
