package org.patientvault.vault.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.dicom.DicomDataset;
import org.patientvault.mapping.dicom.DicomElement;
import org.patientvault.mapping.dicom.DicomFile;
import org.patientvault.mapping.dicom.DicomTags;
import org.patientvault.mapping.dicom.DicomTransferSyntax;
import org.patientvault.mapping.dicom.DicomVr;
import org.patientvault.mapping.dicom.DicomWriter;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 14 items 1-4 and issue 13 item 9, end to end against the real Keycloak realm: one patient, one record.
 */
class OneRecordE2EIT extends E2EBase {

    private static final Random RANDOM = new Random();

    @Autowired
    DaoRegistry daos;

    /** Item 1: a Consent naming the clinic as {@code Organization/<id>} grants like the identifier form. */
    @Test
    void item1_consentByOrganizationReferenceGrants() throws Exception {
        assertThat(get("clinic-rural", "Observation/" + world.aliceObs()).statusCode()).isEqualTo(404);
        String orgId = organizationId("clinic-rural");

        String byRef = create(consentJson(world.alicePatient(), "active",
                "{\"reference\":\"Organization/" + orgId + "\"}"));
        try {
            HttpResponse<String> shared = get("clinic-rural", "Observation/" + world.aliceObs());
            assertThat(shared.statusCode()).as(shared.body()).isEqualTo(200);
            for (String recipient : List.of("clinic-rural", "Organization/" + orgId)) {
                String explained = explain(recipient);
                assertThat(explained).contains("\"valueCode\":\"permit\"")
                        .contains("named by reference Organization/" + orgId);
            }
        } finally {
            revoke(byRef, "{\"reference\":\"Organization/" + orgId + "\"}");
        }
        assertThat(get("clinic-rural", "Observation/" + world.aliceObs()).statusCode()).isEqualTo(404);

        String identifier = "{\"identifier\":{\"system\":\"" + IdentitySystems.ORGANIZATION
                + "\",\"value\":\"clinic-rural\"}}";
        String byId = create(consentJson(world.alicePatient(), "active", identifier));
        try {
            assertThat(get("clinic-rural", "Observation/" + world.aliceObs()).statusCode()).isEqualTo(200);
            assertThat(explain("Organization/" + orgId)).contains("\"valueCode\":\"permit\"")
                    .contains("named by identifier " + IdentitySystems.ORGANIZATION + "|clinic-rural");
        } finally {
            revoke(byId, identifier);
        }
        assertThat(explain("clinic-rural")).contains("\"valueCode\":\"deny\"");
    }

    /** Item 2: a CT whose PatientID is the MRN hosp-beijing registered by FHIR lands in alice's record. */
    @Test
    void item2_dicomPatientIdFindsThePatientTheHospitalRegistered() throws Exception {
        String mrn = "BJ-7-" + Math.abs(RANDOM.nextInt());
        Patient registered = new Patient();
        registered.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(ALICE_RID);
        Identifier bj = registered.addIdentifier().setSystem("https://hosp-beijing.example.cn/mrn").setValue(mrn);
        bj.getType().addCoding().setSystem(IdentitySystems.V2_0203).setCode("MR");
        Bundle linked = submit("hosp-beijing", transaction(registered));
        assertThat(id(linked, 0)).isEqualTo(world.alicePatient());

        String study = "2.25." + Math.abs(RANDOM.nextLong());
        stow("hosp-beijing", study, mrn);

        HttpResponse<String> studies = get("alice", "ImagingStudy?patient=Patient/" + world.alicePatient()
                + "&_count=200");
        assertThat(studies.statusCode()).isEqualTo(200);
        assertThat(studies.body()).contains(study);
        HttpResponse<byte[]> wado = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                                + "/dicomweb/studies/" + study))
                        .header("Authorization", "Bearer " + KeycloakTokens.token("alice"))
                        .header("Accept", "multipart/related; type=\"application/dicom\"").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(wado.statusCode()).isEqualTo(200);
        assertThat(new String(wado.body(), StandardCharsets.ISO_8859_1)).contains(study + ".1.1");
        assertThat(get("bob", "ImagingStudy?patient=Patient/" + world.alicePatient()).body()).doesNotContain(study);
    }

    /** Item 3: a clinic's row without resident ID is offered to alice by what Shanghai recorded of her. */
    @Test
    void item3_claimCandidatesUseEveryHospitalsEvidence() throws Exception {
        String phone = "138" + String.format("%08d", RANDOM.nextInt(100_000_000));
        Patient sh = new Patient();
        sh.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(ALICE_RID);
        sh.addName().setText("王 丽");
        sh.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        sh.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1985-03-12"));
        assertThat(id(submit("hosp-shanghai", transaction(sh)), 0)).isEqualTo(world.alicePatient());

        HttpResponse<String> csv = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/intake/checkup"))
                .header("Authorization", "Bearer " + KeycloakTokens.token("clinic-rural"))
                .header("Content-Type", "text/csv; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("resident_id,mrn,name,birth_date,gender,phone,date,"
                        + "local_code,local_name,value,unit,ref_low,ref_high\n,,王丽,1985-03-12,女," + phone
                        + ",2026-11-22,GLU,空腹血糖,6.0,mmol/L,,\n", StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
        assertThat(csv.body()).doesNotContain("Patient/" + world.alicePatient()); // never auto-linked

        HttpResponse<String> offered = get("alice", "Patient/" + world.alicePatient() + "/$claim-candidates");
        assertThat(offered.statusCode()).as(offered.body()).isEqualTo(200);
        assertThat(offered.body()).contains("clinic-rural").contains("王丽");
        HttpResponse<String> toBob = get("bob", "Patient/" + world.bobPatient() + "/$claim-candidates");
        assertThat(toBob.body()).doesNotContain("王丽");
    }

    /** Item 4: alice reads every hospital's names and phones, marked by source; Beijing sees none of Shanghai's. */
    @Test
    void item4_thePatientReadsTheUnionHospitalsTheirOwnView() throws Exception {
        String phone = "139" + String.format("%08d", RANDOM.nextInt(100_000_000));
        Patient sh = new Patient();
        sh.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(ALICE_RID);
        sh.addName().setText("王丽丽");
        sh.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        sh.addAddress().setCity("上海市");
        submit("hosp-shanghai", transaction(sh));

        HttpResponse<String> own = get("alice", "Patient/" + world.alicePatient());
        assertThat(own.statusCode()).isEqualTo(200);
        Patient mine = ctx.newJsonParser().parseResource(Patient.class, own.body());
        assertThat(mine.getName()).anySatisfy(n -> {
            assertThat(n.getText()).isEqualTo("王丽丽");
            assertThat(n.getExtensionsByUrl(IdentitySystems.RECORDED_BY_EXTENSION)).extracting(
                    x -> ((Reference) x.getValue()).getIdentifier().getValue()).containsExactly("hosp-shanghai");
        });
        assertThat(mine.getTelecom()).anySatisfy(t -> assertThat(t.getValue()).isEqualTo(phone));
        assertThat(mine.getAddress()).anySatisfy(a -> assertThat(a.getCity()).isEqualTo("上海市"));
        assertThat(mine.getName()).anySatisfy(n -> assertThat(n.getFamily()).isEqualTo("Test")); // Beijing's

        HttpResponse<String> beijing = get("hosp-beijing", "Patient/" + world.alicePatient());
        assertThat(beijing.statusCode()).isEqualTo(200);
        // Not phone and address: an element the stored record had none of is seeded from the first hospital that
        // sent one (PatientIdentityMerger.merge), which is then the record's own, and that predates this issue.
        assertThat(beijing.body()).doesNotContain("王丽丽").doesNotContain("hosp-shanghai")
                .doesNotContain(IdentitySystems.RECORDED_BY_EXTENSION);
    }

    /** Issue 13 item 9: a hospital cannot assert another hospital's MRN namespace, another assigner or a vault one. */
    @Test
    void item9_hospitalCannotAssertForeignMrnNamespace() throws Exception {
        String system = "https://e2e-" + Math.abs(RANDOM.nextInt()) + ".example.cn/mrn";
        Patient first = new Patient();
        first.addIdentifier(mr(system, "M1"));
        first.addName().setText("甲");
        submit("hosp-beijing", transaction(first)); // first use: the namespace is hosp-beijing's

        String shToken = KeycloakTokens.token("hosp-shanghai");
        Patient hijack = new Patient();
        hijack.addIdentifier(mr(system, "M2"));
        assertRefused(send(shToken, "POST", "Patient", json(hijack)), system);
        assertRefused(send(shToken, "POST", "", json(transaction(hijack))), system);

        Patient foreignAssigner = new Patient();
        foreignAssigner.addIdentifier(mr("https://free-" + Math.abs(RANDOM.nextInt()) + ".example/mrn", "M3")
                .setAssigner(new Reference().setIdentifier(new Identifier().setSystem(IdentitySystems.ORGANIZATION)
                        .setValue("clinic-rural"))));
        assertRefused(send(shToken, "POST", "Patient", json(foreignAssigner)), null);

        Patient account = new Patient();
        account.addIdentifier().setSystem(IdentitySystems.BASE + "/sid/account").setValue("someone");
        assertRefused(send(shToken, "POST", "Patient", json(account)), null);

        // Shanghai's own new namespace is fine, and then it is Shanghai's.
        String own = "https://e2e-sh-" + Math.abs(RANDOM.nextInt()) + ".example.cn/mrn";
        Patient mine = new Patient();
        mine.addIdentifier(mr(own, "S1"));
        HttpResponse<String> ok = send(shToken, "POST", "Patient", json(mine));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
        Patient back = new Patient();
        back.addIdentifier(mr(own, "S2"));
        assertRefused(send(KeycloakTokens.token("hosp-beijing"), "POST", "Patient", json(back)), own);

        assertThat(patients(system, "M2")).isZero();
        assertThat(patients(IdentitySystems.BASE + "/sid/account", "someone")).isZero();
    }

    // ------------------------------------------------------------------ helpers

    private void assertRefused(HttpResponse<String> r, String system) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        assertThat(r.body()).contains("OperationOutcome").contains("is not yours to assert")
                .doesNotContain("hosp-beijing").doesNotContain("Exception");
        if (system != null) {
            assertThat(r.body()).contains(system);
        }
    }

    private int patients(String system, String value) {
        return daos.getResourceDao(Patient.class).search(SearchParameterMap.newSynchronous("identifier",
                new TokenParam(system, value)), new SystemRequestDetails()).getAllResources().size();
    }

    private static Identifier mr(String system, String value) {
        Identifier id = new Identifier().setSystem(system).setValue(value);
        id.getType().addCoding().setSystem(IdentitySystems.V2_0203).setCode("MR");
        return id;
    }

    private String json(org.hl7.fhir.r4.model.Resource r) {
        return ctx.newJsonParser().encodeResourceToString(r);
    }

    private static Bundle transaction(Patient p) {
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(p).getRequest()
                .setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        return b;
    }

    private String organizationId(String client) throws Exception {
        get(client, "metadata"); // the Organization is created on the client's first authenticated request
        return daos.getResourceDao(Organization.class).search(SearchParameterMap.newSynchronous("identifier",
                        new TokenParam(IdentitySystems.ORGANIZATION, client)), new SystemRequestDetails())
                .getAllResources().get(0).getIdElement().getIdPart();
    }

    private String create(String consent) throws Exception {
        HttpResponse<String> created = send(KeycloakTokens.token("alice"), "POST", "Consent", consent);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new IdType(created.headers().firstValue("Location").orElseThrow()).getIdPart();
    }

    private void revoke(String id, String actor) throws Exception {
        String revoked = consentJson(world.alicePatient(), "inactive", actor).replaceFirst("\\{",
                "{\"id\":\"" + id + "\",");
        HttpResponse<String> r = send(KeycloakTokens.token("alice"), "PUT", "Consent/" + id, revoked);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private String explain(String recipient) throws Exception {
        HttpResponse<String> r = get("alice", "Patient/" + world.alicePatient() + "/$consent-explain?recipient="
                + recipient + "&purpose=treatment&dataClass=laboratory&recordDate=2026-10-01");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    private static String consentJson(String patientId, String status, String actorReference) {
        LocalDate today = LocalDate.now();
        return """
                {"resourceType":"Consent","status":"%s",
                 "scope":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/consentscope","code":"patient-privacy"}]},
                 "category":[{"coding":[{"system":"http://loinc.org","code":"59284-0"}]}],
                 "patient":{"reference":"Patient/%s"},
                 "policyRule":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"OPTIN"}]},
                 "provision":{"type":"permit","period":{"start":"%s","end":"%s"},
                   "purpose":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT"}],
                   "actor":[{"role":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType","code":"IRCP"}]},
                             "reference":%s}]}}
                """.formatted(status, patientId, today.minusDays(1), today.plusDays(30), actorReference);
    }

    /** A one-instance CT whose header names the patient only by PatientID (no issuer, no resident ID). */
    private void stow(String caller, String study, String patientId) throws Exception {
        DicomDataset ds = new DicomDataset();
        ds.putString(DicomTags.SOPClassUID, DicomVr.UI, "1.2.840.10008.5.1.4.1.1.2");
        ds.putString(DicomTags.SOPInstanceUID, DicomVr.UI, study + ".1.1");
        ds.putString(DicomTags.Modality, DicomVr.CS, "CT");
        ds.putString(DicomTags.PatientName, DicomVr.PN, "Wang^Li");
        ds.putString(DicomTags.PatientID, DicomVr.LO, patientId);
        ds.putString(DicomTags.StudyInstanceUID, DicomVr.UI, study);
        ds.putString(DicomTags.SeriesInstanceUID, DicomVr.UI, study + ".1");
        ds.putString(DicomTags.InstanceNumber, DicomVr.IS, "1");
        ds.putInt(DicomTags.SamplesPerPixel, DicomVr.US, 1);
        ds.putString(DicomTags.PhotometricInterpretation, DicomVr.CS, "MONOCHROME2");
        ds.putInt(DicomTags.Rows, DicomVr.US, 8);
        ds.putInt(DicomTags.Columns, DicomVr.US, 8);
        ds.putInt(DicomTags.BitsAllocated, DicomVr.US, 8);
        ds.putInt(DicomTags.BitsStored, DicomVr.US, 8);
        ds.putInt(DicomTags.HighBit, DicomVr.US, 7);
        ds.putInt(DicomTags.PixelRepresentation, DicomVr.US, 0);
        ds.put(DicomElement.of(DicomTags.PixelData, DicomVr.OB, new byte[64]));
        byte[] dicom = new DicomWriter().toBytes(DicomFile.of(ds, DicomTransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write("--e2e\r\nContent-Type: application/dicom\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        body.write(dicom);
        body.write("\r\n--e2e--\r\n".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                                + "/dicomweb/studies"))
                        .header("Authorization", "Bearer " + KeycloakTokens.token(caller))
                        .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=e2e")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
