package org.patientvault.vault;

import static org.assertj.core.api.Assertions.assertThat;

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
        String patientBundle = read("patient");
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
