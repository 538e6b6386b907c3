package org.patientvault.mapping.linking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ca.uhn.fhir.context.FhirContext;
import org.patientvault.mapping.IdentitySystems;

class PatientLinkerTest {

    static final FhirContext CTX = FhirContext.forR4Cached();
    static final String RID = "110101198503120025";
    static final String OTHER_RID = "310104197809210017";
    static final LinkSource BEIJING = new LinkSource("beijing-union", "https://bj-union.example.cn/mrn");
    static final LinkSource SHANGHAI = new LinkSource("shanghai-ruijin", "https://sh-ruijin.example.cn/mrn");
    static final LinkSource RURAL = new LinkSource("yanqing-clinic", "https://yanqing-clinic.example.cn/mrn");

    InMemoryVault vault;
    PatientLinker linker;

    @BeforeEach
    void setUp() {
        vault = new InMemoryVault();
        linker = new PatientLinker(vault);
    }

    static Patient patient(String rid, LinkSource src, String mrn, String name, String phone) {
        Patient p = new Patient();
        if (rid != null) {
            p.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(rid);
        }
        if (mrn != null) {
            p.addIdentifier().setSystem(src.mrnSystem()).setValue(mrn);
        }
        if (name != null) {
            p.addName(new HumanName().setText(name));
        }
        p.setBirthDateElement(new DateType("1985-03-12"));
        p.setGender(AdministrativeGender.FEMALE);
        if (phone != null) {
            p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
        }
        return p;
    }

    @Test
    void threeHospitalsInOrder_residentIdsLinkAndTheClinicNeedsAClaim() {
        LinkDecision bj = vault.submit(linker, patient(RID, BEIJING, "BJ-001", "王芳", "13800138000"), BEIJING);
        assertThat(bj.kind()).isEqualTo(LinkDecision.Kind.CREATE_NEW);
        assertThat(bj.evidence().has(LinkEvidence.FactKind.RESIDENT_ID_UNKNOWN)).isTrue();
        String id = vault.lastId();

        LinkDecision sh = vault.submit(linker, patient(RID, SHANGHAI, "SH-777", "Wang Fang", "+86 138 0013 8000"), SHANGHAI);
        assertThat(sh).isInstanceOfSatisfying(LinkDecision.LinkExisting.class, l -> assertThat(l.patientId()).isEqualTo(id));
        assertThat(sh.evidence().has(LinkEvidence.FactKind.RESIDENT_ID_MATCH)).isTrue();
        Patient p = vault.patients.get(id);
        assertThat(p.getIdentifier()).extracting(Identifier::getSystem)
                .containsExactly(IdentitySystems.RESIDENT_ID, BEIJING.mrnSystem(), SHANGHAI.mrnSystem());
        assertThat(p.getNameFirstRep().getText()).as("own demographics not overwritten").isEqualTo("王芳");
        Extension shView = PatientIdentityMerger.hospitalViewOf(p, SHANGHAI.organizationId());
        assertThat(((HumanName) shView.getExtensionByUrl("name").getValue()).getText()).isEqualTo("Wang Fang");
        Identifier shMrn = p.getIdentifier().get(2);
        assertThat(shMrn.getType().getCodingFirstRep().getCode()).isEqualTo("MR");
        assertThat(shMrn.getAssigner().getIdentifier().getValue()).isEqualTo("shanghai-ruijin");

        // rural clinic: MRN only, matching name + birth date + phone -> never auto-linked
        LinkDecision rural = vault.submit(linker, patient(null, RURAL, "YQ-42", "王芳", "13800138000"), RURAL);
        assertThat(rural).isInstanceOfSatisfying(LinkDecision.ClaimCandidate.class,
                c -> assertThat(c.candidatePatientIds()).containsExactly(id));
        assertThat(vault.findByMrn(RURAL.mrnSystem(), "YQ-42")).isEmpty();
        assertThat(rural.evidence().facts()).filteredOn(f -> f.kind() == LinkEvidence.FactKind.DEMOGRAPHIC_MATCH)
                .singleElement().satisfies(f -> assertThat(f.patientIds()).containsExactly(id));
        Provenance claimProv = LinkProvenance.of(rural, Instant.EPOCH);
        assertThat(claimProv.getActivity().getCodingFirstRep().getCode()).isEqualTo("claim-candidate");
        assertThat(claimProv.getExtensionsByUrl(IdentitySystems.LINK_EVIDENCE_EXTENSION).stream()
                .flatMap(x -> x.getExtensionsByUrl("patient").stream())
                .map(x -> ((Reference) x.getValue()).getReference())).containsExactly("Patient/" + id);

        vault.claim(0, id); // the patient says "yes, this is mine"
        LinkDecision again = vault.submit(linker, patient(null, RURAL, "YQ-42", null, null), RURAL);
        assertThat(again).isInstanceOfSatisfying(LinkDecision.LinkExisting.class, l -> assertThat(l.patientId()).isEqualTo(id));
        assertThat(again.evidence().has(LinkEvidence.FactKind.MRN_MATCH)).isTrue();
    }

    @Test
    void outOfOrder_clinicFirstStaysSeparateAndIsOfferedAsLookalike() {
        LinkDecision rural = vault.submit(linker, patient(null, RURAL, "YQ-42", "王芳", "13800138000"), RURAL);
        assertThat(rural.kind()).isEqualTo(LinkDecision.Kind.CREATE_NEW);
        String ruralId = vault.lastId();

        LinkDecision sh = vault.submit(linker, patient(RID, SHANGHAI, "SH-777", "王芳", "13800138000"), SHANGHAI);
        assertThat(sh).isInstanceOfSatisfying(LinkDecision.CreateNew.class,
                c -> assertThat(c.lookalikes()).containsExactly(ruralId));
        String shId = vault.lastId();
        assertThat(shId).isNotEqualTo(ruralId);

        LinkDecision bj = vault.submit(linker, patient(RID, BEIJING, "BJ-001", "王芳", "13800138000"), BEIJING);
        assertThat(bj).isInstanceOfSatisfying(LinkDecision.LinkExisting.class, l -> assertThat(l.patientId()).isEqualTo(shId));

        LinkDecision ruralAgain = vault.submit(linker, patient(null, RURAL, "YQ-42", null, null), RURAL);
        assertThat(ruralAgain).isInstanceOfSatisfying(LinkDecision.LinkExisting.class,
                l -> assertThat(l.patientId()).isEqualTo(ruralId));
    }

    @Test
    void mrnOnlyFirstThenResidentIdFromSameHospitalAttachesIt() {
        vault.submit(linker, patient(null, BEIJING, "BJ-001", null, null), BEIJING);
        String id = vault.lastId();
        LinkDecision d = vault.submit(linker, patient(RID, BEIJING, "BJ-001", null, null), BEIJING);
        assertThat(d).isInstanceOfSatisfying(LinkDecision.LinkExisting.class, l -> {
            assertThat(l.patientId()).isEqualTo(id);
            assertThat(l.residentId().value()).isEqualTo(RID);
        });
        assertThat(PatientIdentityMerger.residentIdOf(vault.patients.get(id)).value()).isEqualTo(RID);
    }

    @Test
    void weakEvidenceWithoutMatchCreatesNew() {
        LinkDecision d = vault.submit(linker, patient(null, RURAL, null, "李雷", "13900001111"), RURAL);
        assertThat(d.kind()).isEqualTo(LinkDecision.Kind.CREATE_NEW);
        assertThat(d.evidence().has(LinkEvidence.FactKind.DEMOGRAPHIC_NO_MATCH)).isTrue();
    }

    @Test
    void invalidResidentIdIsRejectedWithMaskedMessage() {
        LinkDecision d = linker.decide(patient("110101198503120026", BEIJING, "BJ-1", null, null), BEIJING);
        assertThat(d).isInstanceOfSatisfying(LinkDecision.Reject.class, r -> {
            assertThat(r.reason()).isEqualTo(LinkDecision.RejectReason.INVALID_RESIDENT_ID);
            assertThat(r.message()).contains("1101**********0026").doesNotContain("110101198503120026");
        });
    }

    @Test
    void twoDifferentResidentIdsAreNeverLinked() {
        Patient p = patient(RID, BEIJING, null, null, null);
        p.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(OTHER_RID);
        LinkDecision d = linker.decide(p, BEIJING);
        assertThat(d).isInstanceOfSatisfying(LinkDecision.Reject.class,
                r -> assertThat(r.reason()).isEqualTo(LinkDecision.RejectReason.MULTIPLE_RESIDENT_IDS));
    }

    @Test
    void residentIdConflictingWithMrnPatientIsRejected() {
        vault.submit(linker, patient(RID, BEIJING, "BJ-001", null, null), BEIJING);
        LinkDecision d = vault.submit(linker, patient(OTHER_RID, BEIJING, "BJ-001", null, null), BEIJING);
        assertThat(d).isInstanceOfSatisfying(LinkDecision.Reject.class,
                r -> assertThat(r.reason()).isEqualTo(LinkDecision.RejectReason.RESIDENT_ID_CONFLICT));
        assertThat(vault.patients).hasSize(1);
    }

    @Test
    void residentIdAndMrnPointingToDifferentPatientsIsRejected() {
        vault.submit(linker, patient(RID, BEIJING, null, null, null), BEIJING);
        vault.submit(linker, patient(null, SHANGHAI, "SH-1", null, null), SHANGHAI);
        LinkDecision d = linker.decide(patient(RID, SHANGHAI, "SH-1", null, null), SHANGHAI);
        assertThat(d).isInstanceOfSatisfying(LinkDecision.Reject.class,
                r -> assertThat(r.reason()).isEqualTo(LinkDecision.RejectReason.RESIDENT_ID_CONFLICT));
    }

    @Test
    void mrnsOfOneSubmissionPointingToDifferentPatientsIsRejected() {
        vault.submit(linker, patient(null, BEIJING, "BJ-1", null, null), BEIJING);
        vault.submit(linker, patient(null, BEIJING, "BJ-2", null, null), BEIJING);
        Patient p = patient(null, BEIJING, "BJ-1", null, null);
        p.addIdentifier().setSystem(BEIJING.mrnSystem()).setValue("BJ-2");
        assertThat(linker.decide(p, BEIJING)).isInstanceOfSatisfying(LinkDecision.Reject.class,
                r -> assertThat(r.reason()).isEqualTo(LinkDecision.RejectReason.MRN_CONFLICT));
    }

    @Test
    void anotherHospitalsMrnSystemIsNotTrusted() {
        vault.submit(linker, patient(null, BEIJING, "BJ-1", null, null), BEIJING);
        // Shanghai quotes Beijing's MRN: it cannot vouch for it, and has nothing else
        LinkDecision d = linker.decide(patient(null, BEIJING, "BJ-1", null, null), SHANGHAI);
        assertThat(d).isInstanceOfSatisfying(LinkDecision.Reject.class,
                r -> assertThat(r.reason()).isEqualTo(LinkDecision.RejectReason.INSUFFICIENT_IDENTITY));
    }

    @Test
    void provenanceCarriesEvidenceWithoutTheFullResidentId() {
        vault.submit(linker, patient(RID, BEIJING, "BJ-001", "王芳", "13800138000"), BEIJING);
        LinkDecision d = linker.decide(patient(RID, SHANGHAI, "SH-777", null, null), SHANGHAI);
        Provenance prov = LinkProvenance.of(d, Instant.parse("2026-11-28T06:00:00Z"), new Reference("Patient/p1"));
        String json = CTX.newJsonParser().encodeResourceToString(prov);
        assertThat(json).doesNotContain(RID).contains("1101**********0025").contains("RESIDENT_ID_MATCH")
                .contains("link-existing").contains("shanghai-ruijin");
        assertThat(prov.getExtensionsByUrl(IdentitySystems.LINK_EVIDENCE_EXTENSION)).hasSize(d.evidence().facts().size());
    }

    @Test
    void mergeRefusesASecondResidentId() {
        Patient vaultPatient = PatientIdentityMerger.newVaultPatient(patient(RID, BEIJING, null, null, null), BEIJING).patient();
        assertThatThrownBy(() -> PatientIdentityMerger.merge(vaultPatient, patient(OTHER_RID, SHANGHAI, null, null, null), SHANGHAI))
                .isInstanceOf(IdentityConflictException.class).hasMessageNotContaining(OTHER_RID);
    }

    @Test
    void mergeReplacesOnlyThatHospitalsView() {
        Patient p = PatientIdentityMerger.newVaultPatient(patient(RID, BEIJING, "BJ-1", "王芳", null), BEIJING).patient();
        p = PatientIdentityMerger.merge(p, patient(RID, SHANGHAI, "SH-1", "Wang F.", null), SHANGHAI).patient();
        PatientIdentityMerge m = PatientIdentityMerger.merge(p, patient(RID, SHANGHAI, "SH-1", "Wang Fang", null), SHANGHAI);
        assertThat(m.addedIdentifiers()).isEmpty();
        assertThat(m.patient().getExtensionsByUrl(IdentitySystems.HOSPITAL_VIEW_EXTENSION)).hasSize(2);
        Extension sh = PatientIdentityMerger.hospitalViewOf(m.patient(), SHANGHAI.organizationId());
        assertThat(((HumanName) sh.getExtensionByUrl("name").getValue()).getText()).isEqualTo("Wang Fang");
        assertThat(m.patient().getNameFirstRep().getText()).isEqualTo("王芳");
        assertThat(p.getExtensionsByUrl(IdentitySystems.HOSPITAL_VIEW_EXTENSION)).as("input untouched").hasSize(2);
    }
}
