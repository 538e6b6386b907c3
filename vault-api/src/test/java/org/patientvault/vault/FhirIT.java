package org.patientvault.vault;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * Base of the {@code *IT} tier: the whole app on a random port and a fresh database on the machine's PostgreSQL,
 * driven through HAPI's real {@link IGenericClient}. All subclasses share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "vault.fhir.max-request-size=2MB",
        "vault.data-dir=target/it-data"})
@ContextConfiguration(initializers = FreshDatabase.class)
public abstract class FhirIT {

    @LocalServerPort
    protected int port;

    @Autowired
    protected FhirContext ctx;

    protected IGenericClient client;

    @BeforeEach
    void connect() {
        ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        ctx.getRestfulClientFactory().setSocketTimeout(120_000);
        client = ctx.newRestfulGenericClient(baseUrl());
    }

    protected String baseUrl() {
        return "http://localhost:" + port + "/fhir";
    }

    /** Number of resources of a type, as the server counts them. */
    protected int count(String type) {
        Bundle b = client.search().forResource(type).summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
                .returnBundle(Bundle.class).execute();
        return b.getTotal();
    }
}
