package org.patientvault.mobile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MvcResult;

/** /exports on the fake ports: the job belongs to its patient, the zip holds what the ports returned. */
class ExportApiTest extends ApiTestBase {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode statusOf(String location) throws Exception {
        return json.readTree(mvc.perform(get(location)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsByteArray());
    }

    @Test
    void exportRunsAsItsPatientAndOnlyTheyCanSeeIt() throws Exception {
        Patient alice = new Patient();
        alice.setId("Patient/alice/_history/1");
        alice.addName().setText("李爱丽");
        vault.resources.add(alice);
        vault.resources.add(glucose("hosp-beijing", "2026-10-01", 7.9, "mmol/L", 3.9, 6.1, 0.9));
        vault.resources.add(glucose("hosp-shanghai", "2026-09-15", 97, "mg/dL", null, null, null));
        vault.resources.add(study("hosp-shanghai", "2026-11-05", "1.2.3", "CT"));
        String dicomBytes = "DICM\u0000\u00ff\u0080 bytes as sent";
        vault.studies.put("1.2.3", List.<String[]>of(new String[] {"1.2.3.1", "1.2.3.1.1", dicomBytes}));

        MvcResult started = mvc.perform(post("/mobile/v1/exports")).andExpect(status().isAccepted()).andReturn();
        String location = started.getResponse().getHeader("Location");
        assertThat(location).startsWith("/mobile/v1/exports/");
        JsonNode status = statusOf(location);
        for (int i = 0; i < 200 && !status.at("/status").asText().matches("done|failed"); i++) {
            Thread.sleep(50);
            status = statusOf(location);
        }
        assertThat(status.at("/status").asText()).as(status.toString()).isEqualTo("done");
        // Patient, Organization (directory), two Observations, one study, one instance, the PDF.
        assertThat(status.at("/itemsDone").asLong()).isEqualTo(7);

        vault.patientId = "bob";
        String foreign = mvc.perform(get(location)).andExpect(status().isNotFound()).andReturn().getResponse()
                .getContentAsString();
        String unknown = mvc.perform(get("/mobile/v1/exports/nope")).andExpect(status().isNotFound()).andReturn()
                .getResponse().getContentAsString();
        assertThat(foreign.replace(location.substring("/mobile/v1/exports/".length()), "nope")).isEqualTo(unknown);
        mvc.perform(get(location + "/download")).andExpect(status().isNotFound());
        vault.patientId = "alice";

        byte[] zip = mvc.perform(get(status.at("/download/url").asText())).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsByteArray();
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        assertThat(files.keySet()).containsExactlyInAnyOrder("summary.pdf", "fhir/everything.json",
                "fhir/Patient.ndjson", "fhir/Organization.ndjson", "fhir/Observation.ndjson",
                "fhir/ImagingStudy.ndjson", "dicom/1.2.3/1.2.3.1/1.2.3.1.1.dcm");
        assertThat(files.get("dicom/1.2.3/1.2.3.1/1.2.3.1.1.dcm"))
                .isEqualTo(dicomBytes.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(new String(files.get("fhir/Observation.ndjson"), StandardCharsets.UTF_8).lines()).hasSize(2);
        assertThat(json.readTree(files.get("fhir/everything.json")).at("/entry").size()).isEqualTo(5);
        assertThat(new String(files.get("summary.pdf"), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
    }

    /** A real 16×16 MONOCHROME2 CT instance (fhir-mapping's writer), as the fake store's ISO-8859-1 string. */
    private static String ctInstance(String study) throws Exception {
        org.patientvault.mapping.dicom.DicomDataset ds = new org.patientvault.mapping.dicom.DicomDataset();
        ds.putString(org.patientvault.mapping.dicom.DicomTags.SOPClassUID,
                org.patientvault.mapping.dicom.DicomVr.UI, "1.2.840.10008.5.1.4.1.1.2");
        ds.putString(org.patientvault.mapping.dicom.DicomTags.SOPInstanceUID,
                org.patientvault.mapping.dicom.DicomVr.UI, study + ".1.1");
        ds.putString(org.patientvault.mapping.dicom.DicomTags.StudyInstanceUID,
                org.patientvault.mapping.dicom.DicomVr.UI, study);
        ds.putString(org.patientvault.mapping.dicom.DicomTags.SeriesInstanceUID,
                org.patientvault.mapping.dicom.DicomVr.UI, study + ".1");
        ds.putString(org.patientvault.mapping.dicom.DicomTags.Modality, org.patientvault.mapping.dicom.DicomVr.CS,
                "CT");
        ds.putInt(org.patientvault.mapping.dicom.DicomTags.SamplesPerPixel, org.patientvault.mapping.dicom.DicomVr.US,
                1);
        ds.putString(org.patientvault.mapping.dicom.DicomTags.PhotometricInterpretation,
                org.patientvault.mapping.dicom.DicomVr.CS, "MONOCHROME2");
        ds.putInt(org.patientvault.mapping.dicom.DicomTags.Rows, org.patientvault.mapping.dicom.DicomVr.US, 16);
        ds.putInt(org.patientvault.mapping.dicom.DicomTags.Columns, org.patientvault.mapping.dicom.DicomVr.US, 16);
        ds.putInt(org.patientvault.mapping.dicom.DicomTags.BitsAllocated, org.patientvault.mapping.dicom.DicomVr.US, 8);
        ds.putInt(org.patientvault.mapping.dicom.DicomTags.BitsStored, org.patientvault.mapping.dicom.DicomVr.US, 8);
        ds.putInt(org.patientvault.mapping.dicom.DicomTags.HighBit, org.patientvault.mapping.dicom.DicomVr.US, 7);
        ds.putInt(org.patientvault.mapping.dicom.DicomTags.PixelRepresentation,
                org.patientvault.mapping.dicom.DicomVr.US, 0);
        byte[] pixels = new byte[256];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) i;
        }
        ds.put(org.patientvault.mapping.dicom.DicomElement.of(org.patientvault.mapping.dicom.DicomTags.PixelData,
                org.patientvault.mapping.dicom.DicomVr.OB, pixels));
        byte[] bytes = new org.patientvault.mapping.dicom.DicomWriter().toBytes(org.patientvault.mapping.dicom.DicomFile
                .of(ds, org.patientvault.mapping.dicom.DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String run(java.nio.file.Path pdf, String... command) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(command));
        cmd.add(pdf.toString());
        if (command[0].equals("pdftotext")) {
            cmd.add("-");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    /**
     * The PDF summary has a trend chart per analyte (title, the band's edges converted into the chart's unit, the
     * first and last dates as axis labels) and one preview image per study that has a renderable instance; a study
     * whose bytes are no image is listed with "no preview". Read back with poppler's pdftotext and pdfimages.
     */
    @Test
    void theSummaryHasTrendChartsAndAPreviewPerStudy() throws Exception {
        Patient alice = new Patient();
        alice.setId("Patient/alice/_history/1");
        alice.addName().setText("李爱丽");
        vault.resources.add(alice);
        vault.resources.add(glucose("hosp-beijing", "2026-08-03", 5.2, "mmol/L", 3.9, 6.1, 0.9));
        vault.resources.add(glucose("hosp-beijing", "2026-10-01", 7.9, "mmol/L", 3.9, 6.1, 0.9));
        vault.resources.add(glucose("hosp-shanghai", "2026-09-15", 97, "mg/dL", null, null, null));
        vault.resources.add(study("hosp-shanghai", "2026-11-05", "1.2.3", "CT"));
        vault.resources.add(study("hosp-beijing", "2026-11-06", "1.2.4", "MR"));
        vault.studies.put("1.2.3", List.<String[]>of(new String[] {"1.2.3.1", "1.2.3.1.1", ctInstance("1.2.3")}));
        vault.studies.put("1.2.4", List.<String[]>of(new String[] {"1.2.4.1", "1.2.4.1.1", "not DICOM at all"}));

        MvcResult started = mvc.perform(post("/mobile/v1/exports")).andExpect(status().isAccepted()).andReturn();
        String location = started.getResponse().getHeader("Location");
        JsonNode status = statusOf(location);
        for (int i = 0; i < 200 && !status.at("/status").asText().matches("done|failed"); i++) {
            Thread.sleep(50);
            status = statusOf(location);
        }
        assertThat(status.at("/status").asText()).as(status.toString()).isEqualTo("done");
        byte[] zip = mvc.perform(get(status.at("/download/url").asText())).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsByteArray();
        byte[] pdf = null;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] b = in.readAllBytes();
                if (e.getName().equals("summary.pdf")) {
                    pdf = b;
                }
                if (e.getName().equals("dicom/1.2.3/1.2.3.1/1.2.3.1.1.dcm")) {
                    // read whole for the preview, still written byte for byte
                    assertThat(b).isEqualTo(ctInstance("1.2.3").getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        }
        assertThat(pdf).isNotNull();
        // Kept for a person to look at (pdftoppm -png target/export-summary-sample.pdf).
        java.nio.file.Path file = java.nio.file.Path.of("target", "export-summary-sample.pdf");
        {
            java.nio.file.Files.write(file, pdf);
            String text = run(file, "pdftotext", "-enc", "UTF-8");
            // The fake ports run the worker without a request, so in the default language (zh-CN).
            assertThat(text).contains("化验趋势", "空腹血糖（mg/dL）；阴影为参考范围");
            // Axis labels only the chart has: the band's edges and the highest value in its unit (3.9, 6.1 and 7.9
            // mmol/L are 70.3, 110 and 142 mg/dL at the UCUM table's precision), and the first date.
            assertThat(text.lines()).contains("70.3", "110", "142", "2026-08-03");
            assertThat(text).contains("UID 1.2.3", "UID 1.2.4", "无预览");
            String images = run(file, "pdfimages", "-list");
            List<String> rows = images.lines().skip(2).filter(l -> !l.isBlank()).toList();
            assertThat(rows).as(images).hasSize(1);
            assertThat(rows.get(0)).contains("image").contains("16    16");
        }
    }

    @Test
    void anUnknownExportIsAProblemAndNothingStarts() throws Exception {
        mvc.perform(get("/mobile/v1/exports/0000")).andExpect(status().isNotFound())
                .andExpect(r -> assertThat(r.getResponse().getContentType()).startsWith("application/problem+json"));
        mvc.perform(get("/mobile/v1/exports/0000/download")).andExpect(status().isNotFound());
        assertThat(vault.writes).isEmpty();
    }
}
