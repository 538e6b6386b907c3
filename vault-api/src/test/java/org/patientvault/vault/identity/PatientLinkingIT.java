package org.patientvault.vault.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;
import org.patientvault.mapping.linking.LinkSource;
import org.patientvault.mapping.linking.PatientIdentityMerger;
import org.patientvault.vault.FhirIT;
import org.patientvault.vault.devissuer.DevIssuerLogin;
import org.patientvault.vault.submission.SubmissionService;

/**
 * One patient across hospitals, through the FHIR path ({@code POST /fhir} with HAPI's client): Beijing and Shanghai
 * with the resident ID, a rural clinic with its MRN only, then the patient's claim; out-of-order arrival; the
 * hospitals' own MRNs accumulating on the vault Patient; hospital views kept apart; refusals that write nothing; one
 * link Provenance per decision; replays that link nothing again; and the patient's one compartment.
 */
class PatientLinkingIT extends FhirIT {

    private static final String OBS_IDS = "urn:test:linking-observation";
    private static final String BJ_MRN = "https://hosp-beijing.example.cn/fhir/sid/mrn";
    private static final String SH_MRN = "urn:oid:1.2.156.112.310000.1.2";
    private static final String ALICE_RID = "110101198503120025";
    private static final String BOB_RID = "310104197809210017";

    private IGenericClient hospital(String clientId) {
        return clientWithToken(DevIssuerLogin.clientCredentialsToken("http://localhost:" + port, clientId,
                clientId + "-secret"));
    }

    /** A valid resident ID nobody else uses, with the given birth date. */
    private static String residentId(LocalDate birth) {
        String first17 = "310115" + birth.toString().replace("-", "")
                + String.format("%03d", ThreadLocalRandom.current().nextInt(1000));
        return first17 + ResidentId.checkCharacter(first17);
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static Identifier mrn(String system, String value, String org) {
        Identifier id = new Identifier().setSystem(system).setValue(value);
        id.getType().addCoding().setSystem(IdentitySystems.V2_0203).setCode("MR");
        id.setAssigner(new Reference().setIdentifier(new Identifier().setSystem(IdentitySystems.ORGANIZATION)
                .setValue(org)));
        return id;
    }

    private static Patient patient(String rid, Identifier mrn, HumanName name, String birth, String phone) {
        Patient p = new Patient();
        if (rid != null) {
            p.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(rid);
        }
        if (mrn != null) {
            p.addIdentifier(mrn);
        }
        if (name != null) {
            p.addName(name);
        }
        if (birth != null) {
            p.setBirthDateElement(new DateType(birth));
        }
        if (phone != null) {
            p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        }
        return p;
    }

    /** A transaction: the Patient and one glucose Observation identified by {@code marker}, subject = the Patient. */
    private static Bundle checkup(Patient p, String marker) {
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        String patientUrl = "urn:uuid:" + UUID.randomUUID();
        b.addEntry().setFullUrl(patientUrl).setResource(p).getRequest().setMethod(Bundle.HTTPVerb.POST)
                .setUrl("Patient");
        b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(observation(patientUrl, marker))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        return b;
    }

    private static Observation observation(String subject, String marker) {
        Observation o = new Observation();
        o.addIdentifier().setSystem(OBS_IDS).setValue(marker);
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.setCode(new CodeableConcept(new Coding("http://loinc.org", "1558-6", "Fasting glucose")));
        o.setSubject(new Reference(subject));
        o.setEffective(new DateTimeType("2026-10-01"));
        o.setValue(new Quantity().setValue(5.5).setUnit("mmol/L").setSystem("http://unitsofmeasure.org")
                .setCode("mmol/L"));
        return o;
    }

    private static String patientOf(Bundle response) {
        return new IdType(response.getEntry().get(0).getResponse().getLocation()).getIdPart();
    }

    private static List<String> linkOutcomes(Bundle response) {
        Extension receipt = response.getMeta().getExtensionByUrl(SubmissionService.RECEIPT_URL);
        return receipt.getExtensionsByUrl(PatientLinking.RECEIPT_PART).stream()
                .map(l -> l.getExtensionByUrl("outcome").getValue().primitiveValue()).toList();
    }

    /** The subject of the Observation with this marker, read as the system. */
    private String subjectOf(String marker) {
        List<Observation> found = daos.getResourceDao(Observation.class).search(SearchParameterMap.newSynchronous(
                "identifier", new TokenParam(OBS_IDS, marker)), new SystemRequestDetails()).getAllResources().stream()
                .map(Observation.class::cast).toList();
        assertThat(found).as(marker).hasSize(1);
        return found.get(0).getSubject().getReferenceElement().getIdPart();
    }

    private Patient stored(String id) {
        return daos.getResourceDao(Patient.class).read(new IdType("Patient", id), new SystemRequestDetails());
    }

    /** The link Provenances that target this Patient (as the system). */
    private List<Provenance> linkRecords(String patientId) {
        return daos.getResourceDao(Provenance.class).search(SearchParameterMap.newSynchronous("target",
                        new ReferenceParam("Patient/" + patientId)), new SystemRequestDetails()).getAllResources()
                .stream().map(Provenance.class::cast)
                .filter(p -> p.getActivity().getCoding().stream().anyMatch(c ->
                        IdentitySystems.LINK_DECISION_CODE_SYSTEM.equals(c.getSystem())))
                .toList();
    }

    private static List<String> evidenceKinds(Provenance p) {
        return p.getExtensionsByUrl(IdentitySystems.LINK_EVIDENCE_EXTENSION).stream()
                .map(e -> e.getExtensionByUrl("kind").getValue().primitiveValue()).toList();
    }

    private static String decisionOf(Provenance p) {
        return p.getActivity().getCoding().stream().filter(c ->
                IdentitySystems.LINK_DECISION_CODE_SYSTEM.equals(c.getSystem())).findFirst().orElseThrow().getCode();
    }

    private Map<String, Integer> counts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String type : List.of("Patient", "Observation", "Provenance")) {
            m.put(type, count(type));
        }
        return m;
    }

    private static String nameIn(Extension view) {
        return ((HumanName) view.getExtensionByUrl("name").getValue()).getText();
    }

    @Test
    void residentIdLinksHospitalsAndTheVaultPatientAccumulatesTheirMrnsWithoutLosingAnyView() {
        IGenericClient beijing = hospital("hosp-beijing");
        IGenericClient shanghai = hospital("hosp-shanghai");
        String rid = residentId(LocalDate.of(1985, 3, 12));
        String bjMrn = "BJ-" + unique();
        String shMrn = "SH-" + unique();
        String m1 = unique();
        String m2 = unique();
        String m3 = unique();

        Bundle r1 = beijing.transaction().withBundle(checkup(patient(rid, mrn(BJ_MRN, bjMrn, "hosp-beijing"),
                new HumanName().setText("王芳"), "1985-03-12", "13800000001"), m1)).execute();
        String vault = patientOf(r1);
        assertThat(linkOutcomes(r1)).containsExactly("new-patient");

        Bundle r2 = shanghai.transaction().withBundle(checkup(patient(rid, mrn(SH_MRN, shMrn, "hosp-shanghai"),
                new HumanName().setText("Wang Fang"), "1985-03-12", "021-5555"), m2)).execute();
        assertThat(patientOf(r2)).isEqualTo(vault);
        assertThat(linkOutcomes(r2)).containsExactly("linked");
        Extension receipt = r2.getMeta().getExtensionByUrl(SubmissionService.RECEIPT_URL);
        assertThat(receipt.getExtensionByUrl("matched").getValue().primitiveValue()).isEqualTo("1");

        // Shanghai's MRN alone now finds the patient: it was added when Shanghai's record linked by resident ID.
        Bundle r3 = shanghai.transaction().withBundle(checkup(patient(null, mrn(SH_MRN, shMrn, "hosp-shanghai"),
                null, null, null), m3)).execute();
        assertThat(patientOf(r3)).isEqualTo(vault);
        assertThat(linkOutcomes(r3)).containsExactly("linked");
        assertThat(List.of(subjectOf(m1), subjectOf(m2), subjectOf(m3))).containsOnly(vault);

        Patient p = stored(vault);
        assertThat(PatientIdentityMerger.residentIdOf(p).value()).isEqualTo(rid);
        assertThat(p.getIdentifier()).anySatisfy(i -> {
            assertThat(i.getSystem()).isEqualTo(BJ_MRN);
            assertThat(i.getValue()).isEqualTo(bjMrn);
            assertThat(i.getAssigner().getIdentifier().getValue()).isEqualTo("hosp-beijing");
        }).anySatisfy(i -> {
            assertThat(i.getSystem()).isEqualTo(SH_MRN);
            assertThat(i.getValue()).isEqualTo(shMrn);
            assertThat(i.getAssigner().getIdentifier().getValue()).isEqualTo("hosp-shanghai");
        });
        // The patient's own name is Beijing's (first); Shanghai's spelling is its view, never merged over it.
        assertThat(p.getNameFirstRep().getText()).isEqualTo("王芳");
        assertThat(nameIn(PatientIdentityMerger.hospitalViewOf(p, "hosp-beijing"))).isEqualTo("王芳");
        assertThat(nameIn(PatientIdentityMerger.hospitalViewOf(p, "hosp-shanghai"))).isEqualTo("Wang Fang");
        assertThat(p.getTelecomFirstRep().getValue()).isEqualTo("13800000001");

        // One link Provenance per decision, with its evidence; hospitals cannot read them (the patient's record).
        List<Provenance> records = linkRecords(vault);
        assertThat(records).hasSize(3);
        assertThat(records.stream().map(PatientLinkingIT::decisionOf).sorted().toList())
                .containsExactly("create-new", "link-existing", "link-existing");
        assertThat(records).anySatisfy(r -> assertThat(evidenceKinds(r)).contains("RESIDENT_ID_MATCH"))
                .anySatisfy(r -> assertThat(evidenceKinds(r)).containsExactly("MRN_MATCH"))
                .anySatisfy(r -> assertThat(evidenceKinds(r)).contains("RESIDENT_ID_UNKNOWN"));
        assertThat(records).allSatisfy(r -> {
            assertThat(r.getMeta().getTag()).noneSatisfy(t -> assertThat(t.getSystem())
                    .isEqualTo(org.patientvault.vault.caller.SubmitterTag.SYSTEM));
            assertThat(r.getEntity()).anySatisfy(e -> assertThat(e.getWhat().getReference()).startsWith("Provenance/"));
            assertThat(ctx.newJsonParser().encodeResourceToString(r)).doesNotContain(rid);
        });
        // Beijing (which created the record) reads it without Shanghai's MRN or view, and cannot overwrite it alone.
        Patient seenByBeijing = beijing.read().resource(Patient.class).withId(vault).execute();
        assertThat(seenByBeijing.getIdentifier()).extracting(Identifier::getSystem)
                .contains(IdentitySystems.RESIDENT_ID, BJ_MRN).doesNotContain(SH_MRN);
        assertThat(PatientIdentityMerger.hospitalViewOf(seenByBeijing, "hosp-shanghai")).isNull();
        assertThat(PatientIdentityMerger.hospitalViewOf(seenByBeijing, "hosp-beijing")).isNotNull();
        seenByBeijing.getName().clear();
        seenByBeijing.addName().setText("覆盖");
        assertThatThrownBy(() -> beijing.update().resource(seenByBeijing).execute())
                .isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> assertThat(((BaseServerResponseException) e).getStatusCode()).isEqualTo(409));
        assertThat(stored(vault).getNameFirstRep().getText()).isEqualTo("王芳");

        String recordId = records.get(0).getIdElement().getIdPart();
        assertThatThrownBy(() -> shanghai.read().resource(Provenance.class).withId(recordId).execute())
                .isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> assertThat(((BaseServerResponseException) e).getStatusCode()).isEqualTo(404));
    }

    @Test
    void outOfOrderShanghaiBeforeBeijingLinksTheSameAndKeepsEachSpelling() {
        String rid = residentId(LocalDate.of(1990, 6, 1));
        String m1 = unique();
        String m2 = unique();
        Bundle sh = hospital("hosp-shanghai").transaction().withBundle(checkup(patient(rid, null,
                new HumanName().setFamily("Zhang").addGiven("Wei"), "1990-06-01", null), m1)).execute();
        Bundle bj = hospital("hosp-beijing").transaction().withBundle(checkup(patient(rid, null,
                new HumanName().setText("张伟"), "1990-06-01", null), m2)).execute();
        String vault = patientOf(sh);
        assertThat(patientOf(bj)).isEqualTo(vault);
        assertThat(subjectOf(m2)).isEqualTo(vault);
        Patient p = stored(vault);
        assertThat(p.getNameFirstRep().getFamily()).isEqualTo("Zhang");
        assertThat(nameIn(PatientIdentityMerger.hospitalViewOf(p, "hosp-beijing"))).isEqualTo("张伟");
    }

    @Test
    void conditionalReferencesAndPutEntriesResolveToTheVaultPatient() {
        String rid = residentId(LocalDate.of(1972, 1, 30));
        String m0 = unique();
        String vault = patientOf(hospital("hosp-beijing").transaction().withBundle(checkup(patient(rid, null,
                new HumanName().setText("刘洋"), "1972-01-30", null), m0)).execute());
        // Shanghai names its Patient by a conditional PUT and refers to it by a conditional reference.
        String marker = unique();
        String query = "Patient?identifier=" + IdentitySystems.RESIDENT_ID + "|" + rid;
        Bundle b = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID())
                .setResource(patient(rid, null, new HumanName().setText("Liu Yang"), "1972-01-30", null))
                .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(query);
        b.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(observation(query, marker))
                .getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
        Bundle r = hospital("hosp-shanghai").transaction().withBundle(b).execute();
        assertThat(patientOf(r)).isEqualTo(vault);
        assertThat(subjectOf(marker)).isEqualTo(vault);
        // The PUT did not replace the patient's record: Beijing's spelling stays the patient's own.
        assertThat(stored(vault).getNameFirstRep().getText()).isEqualTo("刘洋");
        assertThat(nameIn(PatientIdentityMerger.hospitalViewOf(stored(vault), "hosp-shanghai"))).isEqualTo("Liu Yang");
    }

    @Test
    void anInvalidResidentIdIs422NamingTheEntryAndNothingIsWritten() {
        String bad = "110101198503120026"; // wrong check digit
        Map<String, Integer> before = counts();
        Bundle b = checkup(patient(bad, null, new HumanName().setText("错误"), "1985-03-12", null), unique());
        assertThatThrownBy(() -> client.transaction().withBundle(b).execute())
                .isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> {
                    BaseServerResponseException ex = (BaseServerResponseException) e;
                    assertThat(ex.getStatusCode()).isEqualTo(422);
                    OperationOutcome oo = (OperationOutcome) ex.getOperationOutcome();
                    String diagnostics = oo.getIssueFirstRep().getDiagnostics();
                    assertThat(diagnostics).contains("Bundle.entry[0]").contains("invalid resident ID")
                            .contains("1101**********0026").doesNotContain(bad);
                    assertThat(oo.getIssueFirstRep().getExpression().get(0).getValue())
                            .isEqualTo("Bundle.entry[0].resource");
                });
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void twoDifferentResidentIdsAreNeverLinked() {
        IGenericClient shanghai = hospital("hosp-shanghai");
        String a = residentId(LocalDate.of(1966, 2, 2));
        String b = residentId(LocalDate.of(1977, 3, 3));
        // One Patient carrying two: 422.
        Patient both = patient(a, null, null, null, null);
        both.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(b);
        Map<String, Integer> before = counts();
        assertThatThrownBy(() -> shanghai.transaction().withBundle(checkup(both, unique())).execute())
                .isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> assertThat(((BaseServerResponseException) e).getStatusCode()).isEqualTo(422));
        assertThat(counts()).isEqualTo(before);

        // Shanghai's MRN belongs to the patient with ID a; the same MRN with ID b is a conflict: 409.
        String shMrn = "SH-" + unique();
        String vault = patientOf(shanghai.transaction().withBundle(checkup(patient(a,
                mrn(SH_MRN, shMrn, "hosp-shanghai"), new HumanName().setText("甲"), "1966-02-02", null), unique()))
                .execute());
        Map<String, Integer> afterFirst = counts();
        assertThatThrownBy(() -> shanghai.transaction().withBundle(checkup(patient(b,
                mrn(SH_MRN, shMrn, "hosp-shanghai"), new HumanName().setText("乙"), "1977-03-03", null), unique()))
                .execute())
                .isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> {
                    BaseServerResponseException ex = (BaseServerResponseException) e;
                    assertThat(ex.getStatusCode()).isEqualTo(409);
                    assertThat(ex.getMessage()).contains("Bundle.entry[0]").contains("resident ID")
                            .doesNotContain(a).doesNotContain(b);
                });
        assertThat(counts()).isEqualTo(afterFirst);
        assertThat(PatientIdentityMerger.residentIdOf(stored(vault)).value()).isEqualTo(a);
    }

    @Test
    void aStandalonePatientWriteNeverBecomesASecondPatientOfSomeoneInTheVault() {
        String rid = residentId(LocalDate.of(1971, 6, 30));
        String bjMrn = "BJ-" + unique();
        String vault = patientOf(client.transaction().withBundle(checkup(patient(rid, mrn(BJ_MRN, bjMrn,
                "hosp-beijing"), new HumanName().setText("周明"), "1971-06-30", null), unique())).execute());
        Map<String, Integer> before = counts();

        // The same person by resident ID, by Beijing's own MRN, and inside a batch: each refused, nothing stored.
        Patient sameRid = patient(rid, null, new HumanName().setText("周明"), "1971-06-30", null);
        Patient sameMrn = patient(null, mrn(BJ_MRN, bjMrn, "hosp-beijing"), null, null, null);
        for (Patient again : List.of(sameRid, sameMrn)) {
            assertThatThrownBy(() -> client.create().resource(again).execute())
                    .isInstanceOf(BaseServerResponseException.class)
                    .satisfies(e -> {
                        BaseServerResponseException ex = (BaseServerResponseException) e;
                        assertThat(ex.getStatusCode()).isEqualTo(409);
                        assertThat(ex.getMessage()).contains("transaction").doesNotContain(vault)
                                .doesNotContain(rid);
                    });
        }
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        batch.addEntry().setResource(sameRid).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Patient");
        Bundle answered = client.transaction().withBundle(batch).execute();
        assertThat(answered.getEntryFirstRep().getResponse().getStatus()).startsWith("409");
        assertThat(counts()).isEqualTo(before);

        // An invalid resident ID is refused as in a transaction; a new patient is stored.
        String invalid = rid.substring(0, 17) + (rid.charAt(17) == '0' ? "1" : "0");
        assertThatThrownBy(() -> client.create().resource(patient(invalid, null, null, "1971-06-30", null)).execute())
                .isInstanceOf(BaseServerResponseException.class)
                .satisfies(e -> assertThat(((BaseServerResponseException) e).getStatusCode()).isEqualTo(422));
        assertThat(counts()).isEqualTo(before);
        String other = residentId(LocalDate.of(1972, 7, 1));
        assertThat(client.create().resource(patient(other, null, new HumanName().setText("吴"), "1972-07-01", null))
                .execute().getCreated()).isTrue();
    }

    @Test
    void aReplayLinksNothingAgain() {
        String rid = residentId(LocalDate.of(1959, 12, 24));
        Bundle b = checkup(patient(rid, mrn(BJ_MRN, "BJ-" + unique(), "hosp-beijing"),
                new HumanName().setText("陈静"), "1959-12-24", null), unique());
        b.getIdentifier().setSystem("urn:test:linking-submission").setValue(unique());
        String body = ctx.newJsonParser().encodeResourceToString(b);
        Bundle first = ctx.newJsonParser().parseResource(Bundle.class, client.transaction().withBundle(body).execute());
        String vault = patientOf(first);
        Map<String, Integer> before = counts();
        Bundle again = ctx.newJsonParser().parseResource(Bundle.class, client.transaction().withBundle(body).execute());
        assertThat(counts()).isEqualTo(before);
        assertThat(linkRecords(vault)).hasSize(1);
        assertThat(again.getMeta().getExtensionByUrl(SubmissionService.RECEIPT_URL).getExtensionByUrl("replay")
                .getValue().primitiveValue()).isEqualTo("true");
        assertThat(linkOutcomes(again)).isEqualTo(linkOutcomes(first));
        assertThat(patientOf(again)).isEqualTo(vault);
    }

    @Test
    void threeHospitalsAndAClaimLandInAlicesOneCompartmentAndNeverInBobs() {
        IGenericClient alice = alice();
        String aliceId = alice.search().forResource(Patient.class).returnBundle(Bundle.class).execute()
                .getEntryFirstRep().getResource().getIdElement().getIdPart();
        IGenericClient rural = hospital("clinic-rural");
        String phone = "139" + (10_000_000 + ThreadLocalRandom.current().nextInt(89_999_999));
        String ruralSystem = LinkSource.defaultMrnSystem("clinic-rural");
        String ruralMrn = "R-" + unique();
        Map<String, String> markers = new LinkedHashMap<>();
        for (String where : List.of("rural-first", "beijing", "shanghai", "rural-after-claim", "bob")) {
            markers.put(where, where + "-" + unique());
        }

        // Out of order: the clinic comes first, with its MRN and demographics only; nothing to link to yet.
        Bundle first = rural.transaction().withBundle(checkup(patient(null, mrn(ruralSystem, ruralMrn,
                "clinic-rural"), new HumanName().setText("李爱丽"), "1985-03-12", phone), markers.get("rural-first")))
                .execute();
        String unlinked = patientOf(first);
        assertThat(unlinked).isNotEqualTo(aliceId);
        assertThat(linkOutcomes(first)).containsExactly("unlinked");

        // Beijing and Shanghai with alice's resident ID land in her Patient.
        assertThat(patientOf(hospital("hosp-beijing").transaction().withBundle(checkup(patient(ALICE_RID, null,
                new HumanName().setText("李爱丽"), "1985-03-12", null), markers.get("beijing"))).execute()))
                .isEqualTo(aliceId);
        assertThat(patientOf(hospital("hosp-shanghai").transaction().withBundle(checkup(patient(ALICE_RID, null,
                new HumanName().setFamily("Li").addGiven("Aili"), "1985-03-12", null), markers.get("shanghai")))
                .execute())).isEqualTo(aliceId);
        hospital("hosp-shanghai").transaction().withBundle(checkup(patient(BOB_RID, null, null, null, null),
                markers.get("bob"))).execute();

        // alice keeps her own name and phone (as the patient app lets her; set here as the system).
        Patient self = stored(aliceId);
        self.getName().clear();
        self.addName().setText("李爱丽");
        self.getTelecom().clear();
        self.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        daos.getResourceDao(Patient.class).update(self, new SystemRequestDetails());

        // The clinic's record is offered to her, never linked on its own; she claims it.
        Parameters offered = alice.operation().onInstance(new IdType("Patient", aliceId)).named("$claim-candidates")
                .withNoParameters(Parameters.class).useHttpGet().execute();
        assertThat(ctx.newJsonParser().encodeResourceToString(offered)).contains("Patient/" + unlinked);
        Parameters in = new Parameters();
        in.addParameter().setName("candidate").setValue(new Reference("Patient/" + unlinked));
        alice.operation().onInstance(new IdType("Patient", aliceId)).named("$claim").withParameters(in).execute();

        // The clinic's MRN moved with the claim: its next MRN-only submission links to alice directly.
        assertThat(patientOf(rural.transaction().withBundle(checkup(patient(null, mrn(ruralSystem, ruralMrn,
                "clinic-rural"), null, null, null), markers.get("rural-after-claim"))).execute())).isEqualTo(aliceId);

        for (String where : List.of("rural-first", "beijing", "shanghai", "rural-after-claim")) {
            Bundle mine = alice.search().forResource(Observation.class)
                    .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(OBS_IDS, markers.get(where)))
                    .returnBundle(Bundle.class).execute();
            assertThat(mine.getEntry()).as(where).hasSize(1);
        }
        Bundle notMine = alice.search().forResource(Observation.class)
                .where(Observation.IDENTIFIER.exactly().systemAndIdentifier(OBS_IDS, markers.get("bob")))
                .returnBundle(Bundle.class).execute();
        assertThat(notMine.getEntry()).isEmpty();
        assertThat(subjectOf(markers.get("bob"))).isNotEqualTo(aliceId);

        // In order: a weak record that matches her now is a claim candidate, recorded as such, and still unlinked.
        Bundle weak = rural.transaction().withBundle(checkup(patient(null, null, new HumanName().setText("李爱丽"),
                "1985-03-12", phone), unique())).execute();
        String weakId = patientOf(weak);
        assertThat(weakId).isNotEqualTo(aliceId);
        assertThat(linkOutcomes(weak)).containsExactly("unlinked");
        List<Provenance> decided = linkRecords(weakId);
        assertThat(decided).singleElement().satisfies(p -> {
            assertThat(decisionOf(p)).isEqualTo("claim-candidate");
            assertThat(evidenceKinds(p)).contains("DEMOGRAPHIC_MATCH");
        });
        List<String> candidates = new ArrayList<>();
        alice.operation().onInstance(new IdType("Patient", aliceId)).named("$claim-candidates")
                .withNoParameters(Parameters.class).useHttpGet().execute().getParameter()
                .forEach(c -> candidates.add(((Reference) c.getPart().get(0).getValue()).getReference()));
        assertThat(candidates).contains("Patient/" + weakId);
    }
}
