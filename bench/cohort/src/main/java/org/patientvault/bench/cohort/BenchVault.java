package org.patientvault.bench.cohort;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.patientvault.vault.VaultApplication;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The cohort benchmark's vault: the unchanged vault jar (started through Spring Boot's PropertiesLauncher with this
 * class on {@code loader.path}) plus one loopback-only control endpoint that writes research Consents.
 *
 * <p>Why: over {@code /fhir} only the patient herself may write her Consent, and generated patients have no login.
 * The benchmark therefore writes them the way {@code CohortE2EIT} does — as the system, through HAPI's Consent DAO
 * (so the vault's consent store and hooks see an ordinary Consent) — from inside the vault's own JVM. The endpoint
 * binds to 127.0.0.1 on {@code -Dpvbench.control-port}, is idle during every measurement, and exists only in this
 * benchmark launcher; the vault jar itself is not changed.
 *
 * <p>{@code POST /consents} with one vault Patient id per line: each gets an active research Consent (any approved
 * AI firm, purpose ai-training, imaging and laboratory, cross-border allowed). Answers the number written.
 */
public final class BenchVault {

    private static final String SD = "https://patientvault.org/fhir/StructureDefinition/";

    private BenchVault() {
    }

    public static void main(String[] args) throws IOException {
        ConfigurableApplicationContext ctx = SpringApplication.run(VaultApplication.class, args);
        DaoRegistry daos = ctx.getBean(DaoRegistry.class);
        int port = Integer.getInteger("pvbench.control-port");
        HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        control.createContext("/consents", exchange -> {
            int n = 0;
            int status = 200;
            String answer;
            try {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                for (String id : body.split("\\s+")) {
                    if (!id.isBlank()) {
                        daos.getResourceDao(Consent.class).create(consent(id.trim()), new SystemRequestDetails());
                        n++;
                    }
                }
                answer = Integer.toString(n);
            } catch (RuntimeException e) {
                status = 500;
                answer = n + " written, then: " + e;
            }
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        control.start();
    }

    /** The research Consent of CohortE2EIT's group A. */
    static Consent consent(String patientId) {
        Consent c = new Consent();
        c.setStatus(Consent.ConsentState.ACTIVE);
        c.setScope(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "research",
                null)));
        c.addCategory(new CodeableConcept(new Coding("http://loinc.org", "59284-0", "Patient Consent")));
        c.addPolicy().setUri("https://patientvault.org/policy/consent");
        c.setPolicyRule(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN",
                null)));
        Consent.ProvisionComponent p = c.getProvision().setType(Consent.ConsentProvisionType.PERMIT);
        p.addActor().setRole(new CodeableConcept(new Coding(
                "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", null)))
                .setReference(new Reference().setIdentifier(new Identifier()
                        .setSystem("https://patientvault.org/fhir/sid/recipient-group").setValue("any-ai-firm")));
        p.addPurpose(new Coding("https://patientvault.org/fhir/CodeSystem/consent-purpose", "ai-training", null));
        p.addClass_(new Coding("https://patientvault.org/fhir/CodeSystem/data-class", "imaging", null));
        p.addClass_(new Coding("https://patientvault.org/fhir/CodeSystem/data-class", "laboratory", null));
        p.addExtension(SD + "cross-border", new BooleanType(true));
        c.setPatient(new Reference("Patient/" + patientId));
        c.addPerformer(new Reference("Patient/" + patientId));
        return c;
    }
}
