package org.patientvault.vault;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** With no database configured the vault runs on embedded PostgreSQL, and its data survives a restart. */
class EmbeddedRestartIT {

    @TempDir
    Path dataDir;

    @Test
    void embeddedDataSurvivesARestart() {
        String id;
        try (ConfigurableApplicationContext app = start()) {
            IGenericClient client = client(app);
            Patient p = new Patient();
            p.addName().setFamily("Persistent");
            id = client.create().resource(p).execute().getId().getIdPart();
        }
        assertThat(Files.isDirectory(dataDir.resolve("pg"))).isTrue();
        try (ConfigurableApplicationContext app = start()) {
            Patient again = client(app).read().resource(Patient.class).withId(new IdType("Patient", id)).execute();
            assertThat(again.getNameFirstRep().getFamily()).isEqualTo("Persistent");
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(VaultApplication.class).run(
                "--server.port=0", "--vault.data-dir=" + dataDir, "--vault.db.url=",
                "--vault.fhir.validate-requests=false");
    }

    private static IGenericClient client(ConfigurableApplicationContext app) {
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        FhirContext ctx = app.getBean(FhirContext.class);
        ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        IGenericClient client = ctx.newRestfulGenericClient("http://localhost:" + port + "/fhir");
        // The development issuer's key is new at every start, so each run gets its own token.
        client.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(
                org.patientvault.vault.devissuer.DevIssuerLogin.clientCredentialsToken("http://localhost:" + port,
                        "hosp-beijing", "hosp-beijing-secret")));
        return client;
    }
}
