package org.patientvault.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * The realistic load: Synthea 3.3.0 bundles (hospital and practitioner batches, then a patient transaction) ingest
 * cleanly through validation, and sending the patient bundle again writes nothing new.
 */
class SyntheaIngestIT extends FhirIT {

    @Test
    void syntheaBundlesIngestCleanlyAndReplayWritesNothing() throws IOException {
        for (String name : new String[] {"hospital", "practitioner"}) {
            Bundle response = post(name);
            assertThat(response.getEntry()).allSatisfy(e ->
                    assertThat(e.getResponse().getStatus()).as(name).matches("20[01].*"));
        }
        int observations = count("Observation");
        int encounters = count("Encounter");
        String sent = read("patient");
        // Synthea's ImagingStudy lists series and instances of images the vault never received: such lists come only
        // from stored DICOM (STOW-RS), so /fhir refuses the bundle whole (docs/security.md) ...
        assertThatThrownBy(() -> client.transaction().withBundle(sent).execute())
                .isInstanceOf(UnprocessableEntityException.class).hasMessageContaining("STOW-RS");
        assertThat(count("Observation")).isEqualTo(observations);
        // ... and takes it without the ImagingStudy (and without Synthea's Provenance target naming it).
        String patientBundle = withoutImagingStudies(sent);
        int expectedObservations = (int) ctx.newJsonParser().parseResource(Bundle.class, patientBundle).getEntry()
                .stream().filter(e -> "Observation".equals(e.getResource().fhirType())).count();

        Bundle response = ctx.newJsonParser().parseResource(Bundle.class,
                client.transaction().withBundle(patientBundle).execute());
        assertThat(response.getEntry()).allSatisfy(e ->
                assertThat(e.getResponse().getStatus()).matches("20[01].*"));
        assertThat(count("Observation")).isEqualTo(observations + expectedObservations);

        client.transaction().withBundle(patientBundle).execute();
        assertThat(count("Observation")).isEqualTo(observations + expectedObservations);
        assertThat(count("Encounter")).isGreaterThan(encounters);
    }

    private String withoutImagingStudies(String json) {
        Bundle b = ctx.newJsonParser().parseResource(Bundle.class, json);
        java.util.Set<String> studies = new java.util.HashSet<>();
        b.getEntry().removeIf(e -> e.getResource() instanceof org.hl7.fhir.r4.model.ImagingStudy
                && studies.add(e.getFullUrl()));
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            if (e.getResource() instanceof org.hl7.fhir.r4.model.Provenance p) {
                p.getTarget().removeIf(t -> studies.contains(t.getReference()));
            }
        }
        return ctx.newJsonParser().encodeResourceToString(b);
    }

    private Bundle post(String name) throws IOException {
        return ctx.newJsonParser().parseResource(Bundle.class, client.transaction().withBundle(read(name)).execute());
    }

    private static String read(String name) throws IOException {
        try (InputStream in = new GZIPInputStream(SyntheaIngestIT.class.getResourceAsStream(
                "/synthea/" + name + ".json.gz"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
