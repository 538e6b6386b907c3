package org.patientvault.mapping.linking;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.ResidentId;

/** Hospital views, seeding and identifier normalisation of the vault Patient; how a hospital's MRN system is found. */
class PatientIdentityMergerTest {

    static final String RID = "110101198503120025";
    static final LinkSource BEIJING = new LinkSource("hosp-beijing", "https://bj.example.cn/mrn");
    static final LinkSource SHANGHAI = new LinkSource("hosp-shanghai", "https://sh.example.cn/mrn");

    private static Identifier assigned(String system, String value, String org) {
        return new Identifier().setSystem(system).setValue(value).setAssigner(new Reference().setIdentifier(
                new Identifier().setSystem(IdentitySystems.ORGANIZATION).setValue(org)));
    }

    @Test
    void aFollowUpWithoutDemographicsKeepsTheHospitalsEarlierView() {
        Patient first = new Patient();
        first.addIdentifier().setSystem(BEIJING.mrnSystem()).setValue("BJ-1");
        first.addName().setText("王芳");
        first.setBirthDateElement(new DateType("1985-03-12"));
        first.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("13800000001");
        Patient vault = PatientIdentityMerger.newVaultPatient(first, BEIJING).patient();

        Patient followUp = new Patient();
        followUp.addIdentifier().setSystem(BEIJING.mrnSystem()).setValue("BJ-1");
        followUp.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("13900000002");
        Patient merged = PatientIdentityMerger.merge(vault, followUp, BEIJING).patient();

        Extension view = PatientIdentityMerger.hospitalViewOf(merged, "hosp-beijing");
        assertThat(((HumanName) view.getExtensionByUrl("name").getValue()).getText()).isEqualTo("王芳");
        assertThat(view.getExtensionByUrl("birthDate").getValue().primitiveValue()).isEqualTo("1985-03-12");
        // What the follow-up did say replaces the earlier value.
        assertThat(view.getExtensionsByUrl("telecom")).singleElement().satisfies(t ->
                assertThat(((ContactPoint) t.getValue()).getValue()).isEqualTo("13900000002"));
        // The patient's own phone is not changed by the hospital.
        assertThat(merged.getTelecomFirstRep().getValue()).isEqualTo("13800000001");
        assertThat(merged.getExtensionsByUrl(IdentitySystems.HOSPITAL_VIEW_EXTENSION)).hasSize(1);
    }

    @Test
    void aPatientWithoutDemographicsIsSeededButNeverOverwritten() {
        // As created at the patient's first login: identifiers only.
        Patient vault = new Patient();
        vault.addIdentifier(ResidentId.parse(RID).toIdentifier());
        Patient bj = new Patient();
        bj.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(RID);
        bj.addName().setText("王芳");
        bj.setBirthDateElement(new DateType("1985-03-12"));
        Patient seeded = PatientIdentityMerger.merge(vault, bj, BEIJING).patient();
        assertThat(seeded.getNameFirstRep().getText()).isEqualTo("王芳");
        assertThat(seeded.getBirthDateElement().getValueAsString()).isEqualTo("1985-03-12");

        Patient sh = bj.copy();
        sh.getName().clear();
        sh.addName().setText("Wang Fang");
        Patient after = PatientIdentityMerger.merge(seeded, sh, SHANGHAI).patient();
        assertThat(after.getName()).singleElement().satisfies(n -> assertThat(n.getText()).isEqualTo("王芳"));
    }

    @Test
    void aNewVaultPatientKeepsWhatTheHospitalRecordedAndNormalisesItsIdentifiers() {
        Patient sent = new Patient();
        sent.setId("hospital-local-id");
        sent.getMeta().addTag("urn:x", "y", null);
        sent.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(RID.toLowerCase());
        sent.addIdentifier().setSystem(BEIJING.mrnSystem()).setValue(" BJ-9 ");
        sent.addIdentifier().setSystem("urn:ssn").setValue("123");
        sent.addExtension("urn:hospital-extension", new StringType("kept"));
        sent.getMaritalStatus().setText("married");
        sent.setManagingOrganization(new Reference("Organization/beijing"));

        Patient fresh = PatientIdentityMerger.newVaultPatient(sent, BEIJING).patient();
        assertThat(fresh.hasIdElement()).isFalse();
        assertThat(fresh.getMeta().getTag()).isEmpty();
        assertThat(fresh.hasManagingOrganization()).isFalse();
        assertThat(fresh.getExtensionByUrl("urn:hospital-extension")).isNotNull();
        assertThat(fresh.getMaritalStatus().getText()).isEqualTo("married");
        assertThat(fresh.getIdentifier()).extracting(Identifier::getSystem)
                .containsExactly(IdentitySystems.RESIDENT_ID, BEIJING.mrnSystem());
        Identifier mrn = fresh.getIdentifier().get(1);
        assertThat(mrn.getValue()).isEqualTo("BJ-9");
        assertThat(mrn.getAssigner().getIdentifier().getValue()).isEqualTo("hosp-beijing");
        assertThat(mrn.getType().getCodingFirstRep().getCode()).isEqualTo("MR");
        // The other identifier is the hospital's statement, kept in its view.
        assertThat(PatientIdentityMerger.hospitalViewOf(fresh, "hosp-beijing").getExtensionsByUrl("identifier"))
                .singleElement().satisfies(e -> assertThat(((Identifier) e.getValue()).getSystem())
                        .isEqualTo("urn:ssn"));
    }

    @Test
    void theHospitalsMrnSystemIsTheOneItAssigned() {
        Patient p = new Patient();
        p.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(RID);
        p.addIdentifier(assigned("https://other.example.cn/mrn", "O-1", "hosp-shanghai"));
        p.addIdentifier(assigned("https://bj.example.cn/mrn", "B-1", "hosp-beijing"));
        assertThat(LinkSource.forSubmission(p, "hosp-beijing", null).mrnSystem()).isEqualTo("https://bj.example.cn/mrn");

        // By literal reference to its Organization.
        Patient byRef = new Patient();
        byRef.addIdentifier().setSystem("https://bj2.example.cn/mrn").setValue("B-2")
                .setAssigner(new Reference("Organization/42"));
        assertThat(LinkSource.forSubmission(byRef, "hosp-beijing", "Organization/42").mrnSystem())
                .isEqualTo("https://bj2.example.cn/mrn");

        // Typed MR without an assigner is the hospital's own; another hospital's never is.
        Patient typed = new Patient();
        typed.addIdentifier(assigned("https://other.example.cn/mrn", "O-1", "hosp-shanghai"));
        typed.addIdentifier().setSystem("https://synthea.example/mrn").setValue("S-1").getType().addCoding()
                .setSystem(IdentitySystems.V2_0203).setCode("MR");
        assertThat(LinkSource.forSubmission(typed, "hosp-beijing", null).mrnSystem())
                .isEqualTo("https://synthea.example/mrn");

        Patient foreignOnly = new Patient();
        foreignOnly.addIdentifier(assigned("https://other.example.cn/mrn", "O-1", "hosp-shanghai"));
        assertThat(LinkSource.forSubmission(foreignOnly, "hosp-beijing", null).mrnSystem())
                .isEqualTo(LinkSource.defaultMrnSystem("hosp-beijing"))
                .isEqualTo(IdentitySystems.BASE + "/sid/mrn/hosp-beijing");
    }

    @Test
    void aHospitalSeesOnlyItsOwnViewAndMrns() {
        Patient bj = new Patient();
        bj.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(RID);
        bj.addIdentifier().setSystem(BEIJING.mrnSystem()).setValue("BJ-1");
        bj.addName().setText("王芳");
        Patient vault = PatientIdentityMerger.newVaultPatient(bj, BEIJING).patient();
        Patient sh = new Patient();
        sh.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(RID);
        sh.addIdentifier().setSystem(SHANGHAI.mrnSystem()).setValue("SH-1");
        sh.addName().setText("Wang Fang");
        vault = PatientIdentityMerger.merge(vault, sh, SHANGHAI).patient();

        assertThat(PatientIdentityMerger.holdsOthersData(vault, "hosp-beijing", null)).isTrue();
        Patient seen = PatientIdentityMerger.asSeenBy(vault, "hosp-beijing", null);
        assertThat(seen.getIdentifier()).extracting(Identifier::getSystem)
                .containsExactly(IdentitySystems.RESIDENT_ID, BEIJING.mrnSystem());
        assertThat(PatientIdentityMerger.hospitalViewOf(seen, "hosp-shanghai")).isNull();
        assertThat(PatientIdentityMerger.hospitalViewOf(seen, "hosp-beijing")).isNotNull();
        assertThat(seen.getNameFirstRep().getText()).isEqualTo("王芳");
        assertThat(PatientIdentityMerger.hospitalViewOf(vault, "hosp-shanghai")).as("input untouched").isNotNull();
        assertThat(PatientIdentityMerger.holdsOthersData(PatientIdentityMerger.newVaultPatient(bj, BEIJING).patient(),
                "hosp-beijing", null)).isFalse();
    }
}
