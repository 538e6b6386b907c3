package org.patientvault.vault;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import org.patientvault.vault.devissuer.DevIssuerLogin;
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

    @Autowired
    protected DaoRegistry daos;

    /** A client acting as hosp-beijing, with a token from the development issuer. */
    protected IGenericClient client;
    protected String hospitalToken;

    @BeforeEach
    void connect() {
        ctx.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        ctx.getRestfulClientFactory().setSocketTimeout(120_000);
        hospitalToken = DevIssuerLogin.clientCredentialsToken("http://localhost:" + port, "hosp-beijing",
                "hosp-beijing-secret");
        client = clientWithToken(hospitalToken);
    }

    protected IGenericClient clientWithToken(String token) {
        IGenericClient c = ctx.newRestfulGenericClient(baseUrl());
        c.registerInterceptor(new BearerTokenAuthInterceptor(token));
        return c;
    }

    /** alice, logged in through the development issuer (authorization code + PKCE). */
    protected IGenericClient alice() {
        return clientWithToken(DevIssuerLogin.userToken("http://localhost:" + port, "alice", "alice-demo"));
    }

    protected String baseUrl() {
        return "http://localhost:" + port + "/fhir";
    }

    /** Number of stored resources of a type, counted by the system itself (no caller's view). */
    protected int count(String type) {
        Integer n = daos.getResourceDao(type).search(SearchParameterMap.newSynchronous(), new SystemRequestDetails())
                .size();
        return n == null ? 0 : n;
    }
}
