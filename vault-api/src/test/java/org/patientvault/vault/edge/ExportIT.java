package org.patientvault.vault.edge;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomElement;
import org.patientvault.mapping.dicom.DicomFile;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.mapping.dicom.DicomTransferSyntax;
import org.patientvault.mapping.dicom.DicomVr;
import org.patientvault.mapping.dicom.DicomWriter;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.TestBundles;
import org.patientvault.vault.devissuer.DevIssuerLogin;

/**
 * Export everything on the real vault: alice has checkups from two hospitals and a CT study; her export zip holds a
 * Bundle and NDJSON with exactly her records (none of bob's), the DICOM bytes the hospital sent, and a PDF whose
 * text (read back with pdftotext) is Chinese. Bob cannot see her export.
 */
class ExportIT extends FhirIT {

    static final String ALICE_RID = "110101198503120025";
    static final String BOB_RID = "310104197809210017";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private HttpResponse<byte[]> call(String method, String path, String token, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private JsonNode body(HttpResponse<byte[]> r) throws Exception {
        return json.readTree(r.body());
    }

    private byte[] stow(String token, String study, String residentId) throws Exception {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.840.10008.5.1.4.1.1.2");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI, study + ".1.1");
        ds.putString(DicomTags.Modality, DicomVr.CS, "CT");
        ds.putString(DicomTags.PatientName, DicomVr.PN, "Li^Alice");
        ds.putString(DicomTags.PatientID, DicomVr.LO, "EXP-" + study);
        DicomDataset other = new DicomDataset();
        other.putString(DicomTags.PatientID, DicomVr.LO, residentId);
        other.putString(DicomTags.IssuerOfPatientID, DicomVr.LO, "CN-RESIDENT-ID");
        ds.putSequence(0x00101002, List.of(other));
        ds.putString(DicomTags.StudyInstanceUID, DicomVr.UI, study);
        ds.putString(DicomTags.SeriesInstanceUID, DicomVr.UI, study + ".1");
        ds.putString(DicomTags.InstanceNumber, DicomVr.IS, "1");
        ds.putInt(DicomTags.SamplesPerPixel, DicomVr.US, 1);
        ds.putString(DicomTags.PhotometricInterpretation, DicomVr.CS, "MONOCHROME2");
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
        ds.put(DicomElement.of(DicomTags.PixelData, DicomVr.OB, pixels));
        byte[] dicom = new DicomWriter().toBytes(DicomFile.of(ds, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write("--exp\r\nContent-Type: application/dicom\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        body.write(dicom);
        body.write("\r\n--exp--\r\n".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/dicomweb/studies"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=exp")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return dicom;
    }

    private int systemCount(Class<? extends IBaseResource> type, String param, String patient) {
        Integer n = daos.getResourceDao(type).search(SearchParameterMap.newSynchronous(param,
                new ReferenceParam("Patient/" + patient)), new SystemRequestDetails()).size();
        return n == null ? 0 : n;
    }

    @Test
    void aliceExportsHerWholeRecordAndOnlyHers() throws Exception {
        String base = "http://localhost:" + port;
        String alice = DevIssuerLogin.userToken(base, "alice", "alice-demo");
        String bob = DevIssuerLogin.userToken(base, "bob", "bob-demo");
        client.transaction().withBundle(TestBundles.checkup(ALICE_RID, 7.2)).execute();
        clientWithToken(DevIssuerLogin.clientCredentialsToken(base, "hosp-shanghai", "hosp-shanghai-secret"))
                .transaction().withBundle(TestBundles.checkup(ALICE_RID, 5.4)).execute();
        clientWithToken(DevIssuerLogin.clientCredentialsToken(base, "hosp-shanghai", "hosp-shanghai-secret"))
                .transaction().withBundle(TestBundles.checkup(BOB_RID, 6.6)).execute();
        String study = "1.2.826.0.1.3680043.8.498." + ThreadLocalRandom.current().nextLong(1_000_000_000L);
        byte[] dicom = stow(DevIssuerLogin.clientCredentialsToken(base, "hosp-beijing", "hosp-beijing-secret"),
                study, ALICE_RID);
        String aliceId = clientWithToken(alice).search().forResource(Patient.class).returnBundle(Bundle.class)
                .execute().getEntryFirstRep().getResource().getIdElement().getIdPart();

        HttpResponse<byte[]> started = call("POST", "/mobile/v1/exports", alice, "Accept-Language", "zh-CN");
        assertThat(started.statusCode()).as(new String(started.body(), StandardCharsets.UTF_8)).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        String id = body(started).at("/id").asText();
        assertThat(location).isEqualTo("/mobile/v1/exports/" + id);

        // Bob: the same 404 as an unknown id, for status and download.
        HttpResponse<byte[]> foreign = call("GET", location, bob);
        HttpResponse<byte[]> unknown = call("GET", "/mobile/v1/exports/00000000-0000-0000-0000-000000000000", bob);
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(foreign.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(body(foreign).at("/title").asText()).isEqualTo(body(unknown).at("/title").asText());
        assertThat(call("GET", location + "/download", bob).statusCode()).isEqualTo(404);

        JsonNode status = body(call("GET", location, alice));
        long deadline = System.currentTimeMillis() + 120_000;
        while (!status.at("/status").asText().matches("done|failed") && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            status = body(call("GET", location, alice));
            assertThat(status.at("/percent").asInt()).isBetween(0, 100);
        }
        assertThat(status.at("/status").asText()).as(status.toString()).isEqualTo("done");
        assertThat(status.at("/percent").asInt()).isEqualTo(100);
        assertThat(status.at("/itemsDone").asLong()).isEqualTo(status.at("/itemsTotal").asLong()).isPositive();
        assertThat(status.at("/download/expiresAt").asText()).isNotEmpty();
        String url = status.at("/download/url").asText();

        HttpResponse<byte[]> zip = call("GET", url, alice);
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type")).hasValue("application/zip");
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        assertThat(files).containsKeys("summary.pdf", "fhir/everything.json", "fhir/Observation.ndjson",
                "fhir/Patient.ndjson", "fhir/ImagingStudy.ndjson");

        Bundle everything = ctx.newJsonParser().parseResource(Bundle.class,
                new String(files.get("fhir/everything.json"), StandardCharsets.UTF_8));
        int ndjsonLines = 0;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            if (f.getKey().endsWith(".ndjson")) {
                String type = f.getKey().substring(5, f.getKey().length() - 7);
                List<String> lines = new String(f.getValue(), StandardCharsets.UTF_8).lines().toList();
                ndjsonLines += lines.size();
                assertThat(everything.getEntry().stream().filter(e -> e.getResource().fhirType().equals(type))
                        .count()).as(type).isEqualTo(lines.size());
            }
        }
        assertThat(everything.getEntry()).hasSize(ndjsonLines);
        long observations = everything.getEntry().stream().filter(e -> e.getResource() instanceof Observation)
                .count();
        assertThat(observations).isEqualTo(systemCount(Observation.class, "subject", aliceId)).isGreaterThanOrEqualTo(2);
        assertThat(everything.getEntry().stream().filter(e -> e.getResource() instanceof Observation o
                && !o.getSubject().getReferenceElement().getIdPart().equals(aliceId))).isEmpty();
        assertThat(everything.getEntry().stream().filter(e -> e.getResource() instanceof ImagingStudy).count())
                .isEqualTo(systemCount(ImagingStudy.class, "subject", aliceId));

        byte[] exported = files.get("dicom/" + study + "/" + study + ".1/" + study + ".1.1.dcm");
        assertThat(exported).as("the study's instance is in the zip").isNotNull();
        assertThat(exported).isEqualTo(dicom);

        Path pdf = Files.createTempFile("export", ".pdf");
        try {
            Files.write(pdf, files.get("summary.pdf"));
            Process p = new ProcessBuilder("pdftotext", "-enc", "UTF-8", pdf.toString(), "-").start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();
            assertThat(text).contains("健康档案摘要", "化验结果", "影像检查", "北京医院", "空腹血糖", study);
        } finally {
            Files.deleteIfExists(pdf);
        }
    }
}
