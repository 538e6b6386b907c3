package org.patientvault.vault.access;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.TestBundles;
import org.patientvault.vault.devissuer.DevIssuerLogin;

/**
 * Access model v2 (issue 13): one regression test per reported leak, each named after it, against the running app
 * with real tokens of the development issuer. hosp-beijing submitted a patient (with a phone number that must never
 * leak), an Observation, a Location and a Task; hosp-shanghai never submitted or was granted anything for them.
 */
class AccessModelIT extends FhirIT {

    static final String PHONE = "13912345678";
    static final String OBS_SYSTEM = "https://hosp-beijing.example.cn/obs";
    static final String LOC_SYSTEM = "https://hosp-beijing.example.cn/location";

    HttpCalls http;
    String beijing;
    String shanghai;
    String rid;
    String patient;
    String obs;
    String obsIdentifier;
    String location;
    String locationIdentifier;
    /** The Observation's value as stored (the terminology hook may have normalised the unit). */
    double storedValue;

    @BeforeEach
    void world() {
        http = new HttpCalls(port);
        beijing = hospitalToken;
        shanghai = DevIssuerLogin.clientCredentialsToken("http://localhost:" + port, "hosp-shanghai",
                "hosp-shanghai-secret");
        rid = TestBundles.newResidentId();
        Bundle b = TestBundles.checkup(rid, 5.4);
        Patient p = (Patient) b.getEntry().get(0).getResource();
        p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(PHONE);
        obsIdentifier = UUID.randomUUID().toString();
        ((Observation) b.getEntry().get(1).getResource()).addIdentifier(new Identifier().setSystem(OBS_SYSTEM)
                .setValue(obsIdentifier));
        locationIdentifier = UUID.randomUUID().toString();
        Location loc = new Location().setName("Beijing ward 7 " + locationIdentifier);
        loc.addIdentifier().setSystem(LOC_SYSTEM).setValue(locationIdentifier);
        b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(loc).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Location");
        Bundle response = client.transaction().withBundle(b).execute();
        patient = new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart();
        obs = new IdType(response.getEntry().get(1).getResponse().getLocation()).getIdPart();
        location = new IdType(response.getEntry().get(2).getResponse().getLocation()).getIdPart();
        storedValue = client.read().resource(Observation.class).withId(obs).execute().getValueQuantity().getValue()
                .doubleValue();
    }

    @Test
    void item1_patchErrorsNeverQuoteAForeignRecord() {
        String copyPhone = "[{\"op\":\"copy\",\"from\":\"/telecom/0/value\",\"path\":\"/gender\"}]";
        HttpResponse<String> byIdentifier = http.send(shanghai, "PATCH", "Patient?identifier="
                + TestBundles.RESIDENT_ID + "|" + rid, copyPhone, HttpCalls.JSON_PATCH);
        assertRefusedWithoutLeak(byIdentifier);
        HttpResponse<String> byId = http.send(shanghai, "PATCH", "Observation/" + obs,
                "[{\"op\":\"copy\",\"from\":\"/valueQuantity/value\",\"path\":\"/status\"}]", HttpCalls.JSON_PATCH);
        assertRefusedWithoutLeak(byId);
        String fhirPathPatch = "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"operation\",\"part\":["
                + "{\"name\":\"type\",\"valueCode\":\"replace\"},{\"name\":\"path\",\"valueString\":\"Observation.status\"},"
                + "{\"name\":\"value\",\"valueCode\":\"amended\"}]}]}";
        HttpResponse<String> fhirPath = http.send(shanghai, "PATCH", "Observation/" + obs, fhirPathPatch, null);
        assertRefusedWithoutLeak(fhirPath);
        // Foreign equals unknown, and even the owner is not offered PATCH: nothing to tell apart.
        HttpResponse<String> unknown = http.send(shanghai, "PATCH", "Observation/" + UUID.randomUUID(),
                fhirPathPatch, null);
        assertThat(unknown.statusCode()).isEqualTo(fhirPath.statusCode());
        assertThat(http.send(beijing, "PATCH", "Observation/" + obs, fhirPathPatch, null).statusCode())
                .isEqualTo(405);
        assertUnchanged();
    }

    @Test
    void item2_recordsOutsideThePatientCompartmentAreTheSubmittersOnly() {
        String task = "{\"resourceType\":\"Task\",\"status\":\"requested\",\"intent\":\"order\","
                + "\"description\":\"HIV viral load follow-up\",\"for\":{\"reference\":\"Patient/" + patient + "\"}}";
        HttpResponse<String> created = http.send(beijing, "POST", "Task", task, null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String taskId = new IdType(created.headers().firstValue("Location").orElseThrow()).getIdPart();
        String provenance = "{\"resourceType\":\"Provenance\",\"target\":[{\"reference\":\"Location/" + location
                + "\"}],\"recorded\":\"2026-01-01T00:00:00Z\",\"agent\":[{\"who\":{\"display\":\"DICOM gateway "
                + "of ward 7\"}}]}";
        HttpResponse<String> prov = http.send(beijing, "POST", "Provenance", provenance, null);
        assertThat(prov.statusCode()).as(prov.body()).isEqualTo(201);
        String provId = new IdType(prov.headers().firstValue("Location").orElseThrow()).getIdPart();

        HttpResponse<String> search = http.get(shanghai, "Task?patient=Patient/" + patient);
        assertThat(search.body()).doesNotContain("HIV", taskId);
        HttpResponse<String> all = http.get(shanghai, "Task?_count=500");
        assertThat(all.body()).doesNotContain("HIV", taskId);
        assertThat(http.get(shanghai, "Provenance?_count=500").body()).doesNotContain(provId, "ward 7");
        assertForeignLikeUnknown(shanghai, "GET", "Task/" + taskId, null);
        assertForeignLikeUnknown(shanghai, "GET", "Provenance/" + provId, null);
        assertThat(http.get(beijing, "Task/" + taskId).body()).contains("HIV");
        // Directory records stay shared.
        assertThat(http.get(shanghai, "Location/" + location).statusCode()).isEqualTo(200);
    }

    @Test
    void item3_anAuditEventNamesOnlyItsOwnPatient() {
        String otherRid = TestBundles.newResidentId();
        Bundle other = client.transaction().withBundle(TestBundles.checkup(otherRid, 7.7)).execute();
        String otherPatient = new IdType(other.getEntry().get(0).getResponse().getLocation()).getIdPart();
        HttpResponse<String> both = http.get(beijing, "Observation?code=http://loinc.org|1558-6&_count=500");
        assertThat(both.body()).contains(patient, otherPatient);

        for (String[] pair : List.of(new String[] {patient, otherPatient}, new String[] {otherPatient, patient})) {
            // The audit is written once the response has gone out: wait for the search's event in this record.
            long deadline = System.currentTimeMillis() + 10_000;
            while (auditsOf(pair[0]).stream().noneMatch(e -> e.getSubtypeFirstRep().getCode().equals("search-type"))
                    && System.currentTimeMillis() < deadline) {
                sleep(100);
            }
            List<AuditEvent> events = daos.getResourceDao(AuditEvent.class).search(SearchParameterMap
                            .newSynchronous("patient", new ReferenceParam("Patient/" + pair[0])),
                    new SystemRequestDetails()).getAllResources().stream().map(AuditEvent.class::cast).toList();
            assertThat(events).isNotEmpty();
            for (AuditEvent e : events) {
                String json = ctx.newJsonParser().encodeResourceToString(e);
                assertThat(json).as("an audit event in " + pair[0] + "'s record").doesNotContain(pair[1])
                        .doesNotContain("1558-6");
                assertThat(e.getEntity()).noneMatch(AuditEvent.AuditEventEntityComponent::hasQuery);
            }
        }
    }

    @Test
    void item4_plausibleInputNeverAnswers5xx() {
        HttpResponse<String> conditionalCreate = http.send(shanghai, "POST", "Location", "{\"resourceType\":"
                + "\"Location\",\"name\":\"mine\"}", null, "If-None-Exist", "identifier=" + LOC_SYSTEM + "|"
                + locationIdentifier);
        assertThat(conditionalCreate.statusCode()).as(conditionalCreate.body()).isEqualTo(400);
        assertThat(conditionalCreate.body()).doesNotContain(location);

        String aliceToken = DevIssuerLogin.userToken("http://localhost:" + port, "alice", "alice-demo");
        String alicePatient = new IdType(alice().search().forResource(Patient.class).returnBundle(Bundle.class)
                .execute().getEntryFirstRep().getResource().getIdElement()).getIdPart();
        for (String query : List.of("purpose=bogus&recipient=hosp-beijing", "purpose=&recipient=hosp-beijing",
                "purpose=treatment&recipient=", "purpose=treatment", "purpose=treatment&recipient=x&recipientKind=cat",
                "purpose=treatment&recipient=x&recordDate=2020-13-45", "purpose=ai-training&recipient=x&dataClass=zz")) {
            HttpResponse<String> r = http.get(aliceToken, "Patient/" + alicePatient + "/$consent-explain?" + query);
            assertThat(r.statusCode()).as(query + " → " + r.body()).isBetween(400, 499);
            assertThat(r.body()).contains("OperationOutcome").doesNotContain("Exception");
        }
        HttpResponse<String> ok = http.get(aliceToken, "Patient/" + alicePatient
                + "/$consent-explain?purpose=treatment&recipient=hosp-shanghai");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void item6_aPatchTestOpIsNoOracle() {
        String truth = "[{\"op\":\"test\",\"path\":\"/telecom/0/value\",\"value\":\"" + PHONE + "\"}]";
        String lie = "[{\"op\":\"test\",\"path\":\"/telecom/0/value\",\"value\":\"00000000000\"}]";
        HttpResponse<String> t = http.send(shanghai, "PATCH", "Patient/" + patient, truth, HttpCalls.JSON_PATCH);
        HttpResponse<String> f = http.send(shanghai, "PATCH", "Patient/" + patient, lie, HttpCalls.JSON_PATCH);
        assertThat(t.statusCode()).isEqualTo(f.statusCode());
        assertThat(t.body()).isEqualTo(f.body());
        assertRefusedWithoutLeak(t);
    }

    @Test
    void item7_historyOfAForeignDeletedRecordIsUnknown() {
        Observation o = TestBundles.glucose("Patient/" + patient, 8.8);
        String id = client.create().resource(o).execute().getId().getIdPart();
        client.delete().resourceById("Observation", id).execute();
        HttpResponse<String> foreign = http.get(shanghai, "Observation/" + id + "/_history");
        HttpResponse<String> unknown = http.get(shanghai, "Observation/" + UUID.randomUUID() + "/_history");
        assertThat(foreign.statusCode()).isEqualTo(404).isEqualTo(unknown.statusCode());
        assertThat(foreign.body().replace(id, "ID")).isEqualTo(unknown.body().replaceAll("[0-9a-f-]{36}", "ID"));
        assertThat(http.get(shanghai, "Observation/" + id + "/_history/1").statusCode()).isEqualTo(404);
        assertThat(http.get(beijing, "Observation/" + id + "/_history").statusCode()).isEqualTo(200);
    }

    @Test
    void item8_aPatientsHasSearchIsRefusedCleanly() {
        String aliceToken = DevIssuerLogin.userToken("http://localhost:" + port, "alice", "alice-demo");
        HttpResponse<String> r = http.get(aliceToken,
                "ImagingStudy?_has:Observation:subject:code=ne0&quality=ge2020-01-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("_has");
    }

    @Test
    void item10_hasAndChainsAreNoExistenceOracle() {
        Bundle own = clientWithToken(shanghai).transaction().withBundle(TestBundles.checkup(rid, 6.1)).execute();
        String ownPatient = new IdType(own.getEntry().get(0).getResponse().getLocation()).getIdPart();
        for (String code : List.of("1558-6", "no-such-code")) {
            HttpResponse<String> has = http.get(shanghai, "Patient?_id=" + ownPatient
                    + "&_has:Observation:subject:code=http://loinc.org|" + code);
            assertThat(has.statusCode()).isEqualTo(400);
            HttpResponse<String> chain = http.get(shanghai, "Observation?subject.identifier="
                    + TestBundles.RESIDENT_ID + "|" + rid + "&code=" + code);
            assertThat(chain.statusCode()).isEqualTo(400);
            assertThat(has.body() + chain.body()).doesNotContain(patient, obs);
        }
    }

    @Test
    void item11_conditionalWritesMatchOnlyTheCallersOwnRecords() {
        // Outside a transaction: refused for everyone, whatever the criteria match.
        for (String[] call : List.of(new String[] {"PUT", "Observation?identifier=" + OBS_SYSTEM + "|" + obsIdentifier},
                new String[] {"DELETE", "Observation?identifier=" + OBS_SYSTEM + "|" + obsIdentifier},
                new String[] {"DELETE", "Observation?identifier=" + OBS_SYSTEM + "|" + UUID.randomUUID()})) {
            HttpResponse<String> r = http.send(shanghai, call[0], call[1], call[0].equals("PUT")
                    ? ctx.newJsonParser().encodeResourceToString(TestBundles.glucose("Patient/" + patient, 1.0))
                    : null, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).doesNotContain(obs, patient);
        }
        // Inside a transaction: matching is confined to the caller's records, so a foreign match is no match.
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Location mine = new Location().setName("Shanghai copy");
        mine.addIdentifier().setSystem(LOC_SYSTEM).setValue(locationIdentifier);
        tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(mine).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Location")
                .setIfNoneExist("identifier=" + LOC_SYSTEM + "|" + locationIdentifier);
        Observation upsert = TestBundles.glucose("Patient/" + patient, 2.2);
        upsert.addIdentifier().setSystem(OBS_SYSTEM).setValue(obsIdentifier);
        tx.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(upsert).getRequest()
                .setMethod(Bundle.HTTPVerb.PUT).setUrl("Observation?identifier=" + OBS_SYSTEM + "|" + obsIdentifier);
        HttpResponse<String> r = http.send(shanghai, "POST", "", ctx.newJsonParser().encodeResourceToString(tx),
                null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain(location, obs, patient);
        assertThat(r.body()).contains("201 Created");
        assertThat(r.body().split("201 Created", -1)).as("both entries created anew, neither matched").hasSize(3);
        assertUnchanged();
        // A conditional delete is refused inside a Bundle too, alike whatever it would match (HAPI's rules refuse it
        // first; SubmissionEntries would otherwise).
        List<String> answers = new java.util.ArrayList<>();
        for (String value : List.of(obsIdentifier, UUID.randomUUID().toString())) {
            Bundle del = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            del.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE)
                    .setUrl("Observation?identifier=" + OBS_SYSTEM + "|" + value);
            HttpResponse<String> d = http.send(shanghai, "POST", "", ctx.newJsonParser()
                    .encodeResourceToString(del), null);
            assertThat(d.statusCode()).as(d.body()).isIn(400, 403);
            assertThat(d.body()).doesNotContain(obs, patient);
            answers.add(d.statusCode() + d.body());
        }
        assertThat(answers.get(0)).isEqualTo(answers.get(1));
        assertUnchanged();
        // A search reference to a Patient that is not an entry of the Bundle is refused, match or no match.
        Bundle ref = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        ref.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(TestBundles.glucose(
                "Patient?identifier=" + TestBundles.RESIDENT_ID + "|" + rid, 3.3)).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        HttpResponse<String> refR = http.send(shanghai, "POST", "", ctx.newJsonParser().encodeResourceToString(ref),
                null);
        assertThat(refR.statusCode()).as(refR.body()).isEqualTo(422);
        assertThat(refR.body()).doesNotContain(patient);
    }

    @Test
    void item12_historyListsAndDeleteConflictsNameNoForeignRecord() {
        for (String path : List.of("Observation/_history", "_history", "Patient/_history")) {
            HttpResponse<String> r = http.get(shanghai, path);
            assertThat(r.statusCode()).as(path).isEqualTo(403);
            assertThat(r.body()).doesNotContain(obs, patient);
        }
        // shanghai's own Encounter, which hosp-beijing's Observation then refers to: deleting it is a conflict whose
        // answer names no record of beijing's.
        HttpResponse<String> enc = http.send(shanghai, "POST", "Encounter", "{\"resourceType\":\"Encounter\","
                + "\"status\":\"finished\",\"class\":{\"system\":"
                + "\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"AMB\"}}", null);
        assertThat(enc.statusCode()).as(enc.body()).isEqualTo(201);
        String encounter = new IdType(enc.headers().firstValue("Location").orElseThrow()).getIdPart();
        Observation o = TestBundles.glucose("Patient/" + patient, 4.4);
        o.getEncounter().setReference("Encounter/" + encounter);
        String referrer = client.create().resource(o).execute().getId().getIdPart();
        HttpResponse<String> conflict = http.send(shanghai, "DELETE", "Encounter/" + encounter, null, null);
        assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
        assertThat(conflict.body()).doesNotContain(referrer, patient).contains("refer");
    }

    private List<AuditEvent> auditsOf(String patientId) {
        return daos.getResourceDao(AuditEvent.class).search(SearchParameterMap.newSynchronous("patient",
                new ReferenceParam("Patient/" + patientId)), new SystemRequestDetails()).getAllResources().stream()
                .map(AuditEvent.class::cast).toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void rawSearchCharactersReachTheFhirServer() throws Exception {
        // As FHIR clients send them: a raw '|' and brackets, not percent-encoded (java.net.URI would refuse them).
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            String request = "GET /fhir/Observation?identifier=" + OBS_SYSTEM + "|" + obsIdentifier
                    + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + beijing
                    + "\r\nAccept: application/fhir+json\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200").contains("\"resourceType\":\"Bundle\"").contains(obs);
        }
    }

    /** Refused (4xx) and nothing of beijing's patient in the body or headers. */
    private void assertRefusedWithoutLeak(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isBetween(400, 499);
        String everything = r.body() + r.headers().map();
        assertThat(everything).doesNotContain(PHONE, patient, obs, rid, Double.toString(storedValue));
    }

    private void assertForeignLikeUnknown(String token, String method, String path, String body) {
        HttpResponse<String> foreign = http.send(token, method, path, body, null);
        String id = path.substring(path.indexOf('/') + 1);
        String unknownId = UUID.randomUUID().toString();
        HttpResponse<String> unknown = http.send(token, method, path.replace(id, unknownId), body, null);
        assertThat(foreign.statusCode()).isEqualTo(unknown.statusCode());
        assertThat(foreign.body().replace(id, "ID")).isEqualTo(unknown.body().replace(unknownId, "ID"));
    }

    /** beijing's patient and Observation are as submitted: one version each, the same value. */
    private void assertUnchanged() {
        Observation o = client.read().resource(Observation.class).withId(obs).execute();
        assertThat(o.getIdElement().getVersionIdPart()).isEqualTo("1");
        assertThat(o.getValueQuantity().getValue().doubleValue()).isEqualTo(storedValue);
        Patient p = client.read().resource(Patient.class).withId(patient).execute();
        assertThat(p.getGender()).isEqualTo(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
    }
}
