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

    @Test
    void anUnknownExportIsAProblemAndNothingStarts() throws Exception {
        mvc.perform(get("/mobile/v1/exports/0000")).andExpect(status().isNotFound())
                .andExpect(r -> assertThat(r.getResponse().getContentType()).startsWith("application/problem+json"));
        mvc.perform(get("/mobile/v1/exports/0000/download")).andExpect(status().isNotFound());
        assertThat(vault.writes).isEmpty();
    }
}
