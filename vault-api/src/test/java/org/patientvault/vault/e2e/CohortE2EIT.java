package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Expression;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The cohort proof of the AI-firm issue, end to end with real Keycloak tokens, S3Proxy and PostgreSQL: 33 patients
 * across three hospitals with every kind of consent, an approved CT cohort holding exactly the expected patients and
 * records, no planted identifier in any exported file, a too-small cohort refused with "&lt;20", a revocation that the
 * next refresh turns into a withdrawal (with the firm's callback), both events in the patient's ledger, and the firm
 * never reading clinical {@code /fhir} data.
 */
class CohortE2EIT extends E2EBase {

    private static final String SD = "https://patientvault.org/fhir/StructureDefinition/";
    private static final ObjectMapper JSON_MAPPER = new ObjectMapper();
    private static final String[] HOSPITALS = {"hosp-beijing", "hosp-shanghai", "clinic-rural"};

    @Autowired
    DaoRegistry daos;

    private HttpServer receiver;
    private final List<String> callbacks = new CopyOnWriteArrayList<>();

    /** One generated patient: who they are and which planted identifiers must never leave. */
    record Person(String patientId, String residentId, String name, String phone, String group) {
    }

    @AfterEach
    void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void aConsentExactCohortIsBuiltDeidentifiedRefreshedAndWithdrawn() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            callbacks.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();

        List<Person> people = new ArrayList<>();
        int n = 0;
        // A: consent to any approved AI firm, imaging and labs, also abroad: in the cohort.
        for (int i = 0; i < 22; i++) {
            people.add(person("A", n++, 1970 + i % 5, true, true, consent("any", true, "imaging", "laboratory")));
        }
        // B: only another firm.
        for (int i = 0; i < 2; i++) {
            people.add(person("B", n++, 1970, true, true, consent("ai-beta", true, "imaging", "laboratory")));
        }
        // C: labs but not imaging.
        for (int i = 0; i < 2; i++) {
            people.add(person("C", n++, 1970, true, true, consent("any", true, "laboratory")));
        }
        // D: domestic use only, the cohort leaves the country.
        for (int i = 0; i < 2; i++) {
            people.add(person("D", n++, 1970, true, true, consent("any", false, "imaging", "laboratory")));
        }
        // E: revoked.
        Consent revoked = consent("any", true, "imaging", "laboratory");
        revoked.setStatus(Consent.ConsentState.INACTIVE);
        people.add(person("E", n++, 1970, true, true, revoked));
        // F: never consented.
        people.add(person("F", n++, 1970, true, true, null));
        // G: consented, but only low-quality records (no units) and no study.
        for (int i = 0; i < 2; i++) {
            people.add(person("G", n++, 1970, false, false, consent("any", true, "imaging", "laboratory")));
        }
        // H: outside the age range at the data's date.
        people.add(person("H", n++, 1940, true, true, consent("any", true, "imaging", "laboratory")));
        assertThat(people).hasSizeGreaterThanOrEqualTo(30);

        // The firm files a request; the committee approves it.
        String ai = KeycloakTokens.token("ai-lab");
        String admin = KeycloakTokens.token("vault-admin");
        HttpResponse<String> created = send(ai, "POST", "Group", ctx.newJsonParser().encodeResourceToString(
                request(40, 70, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook")));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String group = ctx.newJsonParser().parseResource(Group.class, created.body()).getIdElement().getIdPart();
        HttpResponse<String> early = send(ai, "GET", "Group/" + group + "/$export", null, "Prefer", "respond-async");
        assertThat(early.statusCode()).as("not approved yet").isEqualTo(409);
        HttpResponse<String> approved = send(admin, "POST", "Group/" + group + "/$approve", reason("safe project"));
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

        // Release 1: exactly group A, exactly their good records.
        JsonNode manifest = build(ai, group);
        assertThat(manifest.at("/requiresAccessToken").asBoolean()).isTrue();
        JsonNode about = manifest.at("/extension").get("https://patientvault.org/fhir/StructureDefinition/cohort-release");
        assertThat(about.get("patients").asText()).isEqualTo("22");
        assertThat(about.at("/kAnonymity/k").asInt()).isEqualTo(5);
        List<String> patientLines = lines(ai, output(manifest, "Patient"));
        assertThat(patientLines).hasSize(22);
        List<String> observations = lines(ai, output(manifest, "Observation"));
        assertThat(observations).as("one good lab result per patient of A").hasSize(22);
        List<String> studies = lines(ai, output(manifest, "ImagingStudy"));
        assertThat(studies).as("one CT study per patient of A").hasSize(22);
        JsonNode dicom = about.get("dicom");
        assertThat(dicom).hasSize(22);
        String allText = String.join("\n", patientLines) + String.join("\n", observations) + String.join("\n", studies);
        byte[] oneDicom = download(ai, dicom.get(0).get("url").asText());
        assertThat(new String(oneDicom, StandardCharsets.ISO_8859_1)).contains("DICM").doesNotContain("Li^Alice");
        for (Person p : people) {
            assertThat(allText).doesNotContain(p.residentId()).doesNotContain(p.name()).doesNotContain(p.phone())
                    .doesNotContain(p.patientId());
            assertThat(new String(oneDicom, StandardCharsets.ISO_8859_1)).doesNotContain(p.residentId());
        }
        assertThat(allText).contains("PSEUDED");

        // Reproducible: the auditor sees the manifest's hash and, per member, the consent versions relied on.
        HttpResponse<String> audit = send(admin, "GET", "Group/" + group + "/$release-audit?release=1", null);
        assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
        String servedManifest = send(ai, "GET", releaseStatusUrl(ai, group), null).body();
        assertThat(audit.body()).contains(java.util.HexFormat.of().formatHex(java.security.MessageDigest
                .getInstance("SHA-256").digest(servedManifest.getBytes(StandardCharsets.UTF_8))));
        assertThat(audit.body()).contains("Patient/" + people.get(0).patientId()).contains("Consent/")
                .doesNotContain("Patient/" + people.get(22).patientId());
        assertThat(send(ai, "GET", "Group/" + group + "/$release-audit?release=1", null).statusCode())
                .isEqualTo(404);

        // The firm never reads clinical data, and another firm's job is unknown.
        Person first = people.get(0);
        assertThat(get("ai-lab", "Observation?patient=Patient/" + first.patientId()).statusCode()).isEqualTo(403);
        assertThat(get("ai-lab", "Patient/" + first.patientId()).statusCode()).isEqualTo(404);
        String statusUrl = releaseStatusUrl(ai, group);
        assertThat(send(KeycloakTokens.token("hosp-beijing"), "GET", statusUrl, null).statusCode())
                .isIn(403, 404);

        // Revocation: the next refresh excludes the patient and names their release-1 pseudonym as withdrawn.
        Person leaving = people.get(1);
        revokeResearchConsent(leaving.patientId());
        String pseudonymBefore = pseudonymOf(group, leaving.patientId(), 1);
        assertThat(patientLines).as("release 1 shipped the leaving patient under that pseudonym")
                .anyMatch(l -> l.contains("\"id\":\"" + pseudonymBefore + "\""));
        JsonNode second = build(ai, group);
        JsonNode about2 = second.at("/extension").get("https://patientvault.org/fhir/StructureDefinition/cohort-release");
        assertThat(about2.get("release").asInt()).isEqualTo(2);
        assertThat(about2.get("patients").asText()).isEqualTo("21");
        List<String> deleted = lines(ai, second.at("/deleted/0/url").asText());
        assertThat(deleted).hasSize(1);
        assertThat(deleted.get(0)).contains("Patient/" + pseudonymBefore);
        HttpResponse<String> withdrawals = send(ai, "GET", "Group/" + group + "/$withdrawals", null);
        assertThat(withdrawals.body()).contains(pseudonymBefore);
        awaitCallback(pseudonymBefore);

        // The patient's ledger has both events, naming the firm.
        List<String> subtypes = ledger(leaving.patientId());
        assertThat(subtypes).contains("cohort-release", "cohort-withdrawal");
        assertThat(ledger(people.get(2).patientId())).contains("cohort-release").doesNotContain("cohort-withdrawal");
        assertThat(ledger(people.get(27).patientId())).as("never consented: never in a ledger of a release")
                .doesNotContain("cohort-release");

        // A cohort under the minimum size is refused with "fewer than 20", never its count.
        HttpResponse<String> small = send(ai, "POST", "Group", ctx.newJsonParser().encodeResourceToString(
                request(80, 100, null)));
        String smallGroup = ctx.newJsonParser().parseResource(Group.class, small.body()).getIdElement().getIdPart();
        send(admin, "POST", "Group/" + smallGroup + "/$approve", reason("ok"));
        HttpResponse<String> kick = send(ai, "GET", "Group/" + smallGroup + "/$export", null, "Prefer",
                "respond-async");
        HttpResponse<String> end = poll(ai, kick.headers().firstValue("Content-Location").orElseThrow());
        assertThat(end.statusCode()).isEqualTo(422);
        assertThat(end.body()).contains("fewer than 20").doesNotContain("1 eligible");
    }

    private Person person(String group, int n, int birthYear, boolean goodLab, boolean study, Consent consent)
            throws Exception {
        String rid = residentId(n);
        String name = "Cohort" + group + n + "^Planted";
        String phone = "1380013" + String.format("%04d", n);
        String hospital = HOSPITALS[n % HOSPITALS.length];
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String patientUrl = "urn:uuid:" + UUID.randomUUID();
        Patient p = new Patient();
        p.addIdentifier(new Identifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(rid));
        p.addName().setFamily("Cohort" + group + n).addGiven("Planted");
        p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        p.setGender(n % 2 == 0 ? Enumerations.AdministrativeGender.FEMALE : Enumerations.AdministrativeGender.MALE);
        p.setBirthDateElement(new DateType(birthYear + "-03-12"));
        p.addAddress().setState("北京市").setCity("北京").addLine("Planted Road " + n);
        b.addEntry().setFullUrl(patientUrl).setResource(p).getRequest().setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Patient").setIfNoneExist("identifier=" + IdentitySystems.RESIDENT_ID + "|" + rid);
        Observation o = new Observation();
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/observation-category",
                "laboratory", "Laboratory")));
        o.setCode(new CodeableConcept(new Coding("http://loinc.org", "1558-6", "Fasting glucose")));
        o.setSubject(new Reference(patientUrl));
        o.setEffective(new DateTimeType("2026-10-01"));
        Quantity q = new Quantity().setValue(5.0 + n / 10.0);
        if (goodLab) {
            q.setUnit("mmol/L").setSystem("http://unitsofmeasure.org").setCode("mmol/L");
        }
        o.setValue(q);
        b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(o).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        Bundle response = submit(hospital, b);
        String patientId = id(response, 0);
        if (study) {
            storeStudy(hospital, "2.25." + Math.abs(new java.util.Random().nextLong()), rid, true);
        }
        if (consent != null) {
            consent.setPatient(new Reference("Patient/" + patientId));
            consent.addPerformer(new Reference("Patient/" + patientId));
            daos.getResourceDao(Consent.class).create(consent, new SystemRequestDetails());
        }
        return new Person(patientId, rid, "Cohort" + group + n, phone, group);
    }

    private static final int ID_BASE = 100 + (int) (Math.random() * 800);

    private static String residentId(int n) {
        String first17 = "110105" + "1970" + "01" + String.format("%02d", 10 + n % 18) + String.format("%03d",
                (ID_BASE + n) % 1000);
        return first17 + ResidentId.checkCharacter(first17);
    }

    private static Consent consent(String firm, boolean crossBorder, String... classes) {
        Consent c = new Consent();
        c.setStatus(Consent.ConsentState.ACTIVE);
        c.setScope(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/consentscope", "research",
                null)));
        c.addCategory(new CodeableConcept(new Coding("http://loinc.org", "59284-0", "Patient Consent")));
        c.addPolicy().setUri("https://patientvault.org/policy/consent");
        c.setPolicyRule(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN",
                null)));
        Consent.ProvisionComponent p = c.getProvision().setType(Consent.ConsentProvisionType.PERMIT);
        Identifier who = "any".equals(firm)
                ? new Identifier().setSystem("https://patientvault.org/fhir/sid/recipient-group").setValue("any-ai-firm")
                : new Identifier().setSystem(IdentitySystems.ORGANIZATION).setValue(firm);
        p.addActor().setRole(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                "IRCP", null))).setReference(new Reference().setIdentifier(who));
        p.addPurpose(new Coding("https://patientvault.org/fhir/CodeSystem/consent-purpose", "ai-training", null));
        for (String cls : classes) {
            p.addClass_(new Coding("https://patientvault.org/fhir/CodeSystem/data-class", cls, null));
        }
        if (crossBorder) {
            p.addExtension(SD + "cross-border", new BooleanType(true));
        }
        return c;
    }

    private static Group request(int minAge, int maxAge, String hook) {
        Group g = new Group().setType(Group.GroupType.PERSON).setActual(true);
        g.setName("Chest CT " + minAge + "-" + maxAge);
        g.addModifierExtension(new Extension("http://hl7.org/fhir/uv/bulkdata/StructureDefinition/member-filter",
                new Expression().setLanguage("application/x-fhir-query")
                        .setExpression("Observation?code=http://loinc.org|1558-6")));
        g.addExtension(SD + "cohort-purpose", new CodeType("ai-training"));
        g.addExtension(SD + "cohort-data-class", new CodeType("imaging"));
        g.addExtension(SD + "cohort-data-class", new CodeType("laboratory"));
        g.addExtension(SD + "cohort-modality", new CodeType("CT"));
        g.addExtension(SD + "cohort-min-quality", new DecimalType("0.8"));
        Range age = new Range();
        age.getLow().setValue(minAge);
        age.getHigh().setValue(maxAge);
        g.addExtension(SD + "cohort-age", age);
        g.addExtension(SD + "cohort-cross-border", new BooleanType(true));
        Extension project = g.addExtension().setUrl(SD + "cohort-project");
        project.addExtension("title", new StringType("Lung nodule detection"));
        project.addExtension("description", new StringType("Training a CT nodule detector"));
        if (hook != null) {
            g.addExtension(SD + "cohort-notification-endpoint", new UriType(hook));
        }
        return g;
    }

    private static String reason(String text) {
        return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"reason\",\"valueString\":\"" + text
                + "\"}]}";
    }

    /** Kicks off a release and polls it to its manifest. */
    private JsonNode build(String token, String group) throws Exception {
        HttpResponse<String> kick = send(token, "GET", "Group/" + group + "/$export", null, "Prefer",
                "respond-async");
        assertThat(kick.statusCode()).as(kick.body()).isEqualTo(202);
        HttpResponse<String> done = poll(token, kick.headers().firstValue("Content-Location").orElseThrow());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        return JSON_MAPPER.readTree(done.body());
    }

    private HttpResponse<String> poll(String token, String statusUrl) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (true) {
            HttpResponse<String> r = send(token, "GET", statusUrl, null);
            if (r.statusCode() != 202) {
                return r;
            }
            assertThat(r.headers().firstValue("X-Progress")).isPresent();
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            assertThat(Instant.now()).as("the build finishes").isBefore(deadline);
            Thread.sleep(500);
        }
    }

    private String releaseStatusUrl(String token, String group) throws Exception {
        Group g = ctx.newJsonParser().parseResource(Group.class, send(token, "GET", "Group/" + group, null).body());
        String relative = g.getExtensionByUrl(SD + "cohort-release").getExtensionByUrl("statusUrl").getValue()
                .primitiveValue();
        return "http://localhost:" + port + "/fhir/" + relative;
    }

    private static String output(JsonNode manifest, String type) {
        for (JsonNode o : manifest.get("output")) {
            if (type.equals(o.get("type").asText())) {
                return o.get("url").asText();
            }
        }
        throw new AssertionError("no " + type + " output in " + manifest);
    }

    private List<String> lines(String token, String url) throws Exception {
        String body = new String(download(token, url), StandardCharsets.UTF_8);
        return body.lines().filter(l -> !l.isBlank()).toList();
    }

    private byte[] download(String token, String url) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        HttpResponse<byte[]> other = http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + KeycloakTokens.token("hosp-beijing")).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(other.statusCode()).as("a file is served only to the requesting firm").isIn(403, 404);
        return r.body();
    }

    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    /**
     * The pseudonym release {@code release} gave the patient. Pseudonyms are unlinkable to the patient by design; the
     * vault's own release record is the link an auditor uses.
     */
    private String pseudonymOf(String group, String patientId, int release) {
        return jdbc.queryForObject("SELECT m.pseudonym FROM vault_cohort_member m JOIN vault_cohort_release r ON"
                + " r.id = m.release_id WHERE r.request_id = ? AND r.number = ? AND m.patient_id = ?", String.class,
                group, release, patientId);
    }

    private void revokeResearchConsent(String patientId) {
        SearchParameterMap map = SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + patientId));
        for (var r : daos.getResourceDao(Consent.class).search(map, new SystemRequestDetails()).getAllResources()) {
            Consent c = (Consent) r;
            c.setStatus(Consent.ConsentState.INACTIVE);
            daos.getResourceDao(Consent.class).update(c, new SystemRequestDetails());
        }
    }

    private List<String> ledger(String patientId) {
        SearchParameterMap map = SearchParameterMap.newSynchronous("patient", new ReferenceParam("Patient/" + patientId));
        List<String> out = new ArrayList<>();
        for (var r : daos.getResourceDao(AuditEvent.class).search(map, new SystemRequestDetails()).getAllResources()) {
            AuditEvent ev = (AuditEvent) r;
            boolean byFirm = ev.getAgent().stream().anyMatch(a -> a.getRequestor()
                    && "ai-lab".equals(a.getWho().getIdentifier().getValue()));
            if (byFirm) {
                ev.getSubtype().forEach(c -> out.add(c.getCode()));
            }
        }
        return out;
    }

    private void awaitCallback(String pseudonym) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (callbacks.stream().noneMatch(c -> c.contains(pseudonym)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(callbacks).as("the firm's endpoint heard of the withdrawal").anyMatch(c -> c.contains(pseudonym)
                && c.contains("\"release\":2"));
    }
}
