package org.patientvault.mapping.linking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;

/** Issue 14 items 3 and 4: what a vault Patient is recognised by, and what the patient reads. */
class PatientUnionTest {

    private static final String RID = "110101198503120025";

    private static Patient alice() {
        Patient bj = new Patient();
        bj.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(RID);
        bj.addIdentifier().setSystem("https://hosp-beijing.example.cn/mrn").setValue("BJ-7").getType().addCoding()
                .setSystem(IdentitySystems.V2_0203).setCode("MR");
        bj.addName().setFamily("Wang").addGiven("Li");
        bj.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("13911112222");
        Patient vault = PatientIdentityMerger.newVaultPatient(bj,
                LinkSource.forSubmission(bj, "hosp-beijing", null)).patient();
        Patient sh = new Patient();
        sh.addIdentifier().setSystem(IdentitySystems.RESIDENT_ID).setValue(RID);
        sh.addName().setText("王 丽");
        sh.addName().setFamily("Wang").addGiven("Li");
        sh.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("13800000000");
        sh.addAddress().setCity("上海");
        return PatientIdentityMerger.merge(vault, sh, LinkSource.forSubmission(sh, "hosp-shanghai", null)).patient();
    }

    @Test
    void item3_evidenceIncludesEveryHospitalsNamesAndPhones() {
        PatientEvidence e = PatientEvidence.of(alice());
        LocalDate born = LocalDate.of(1985, 3, 12);
        assertThat(e.matches("王丽", born, "13800000000")).isTrue();      // Shanghai's phone, name across scripts
        assertThat(e.matches("Wang Li", born, "+86 139 1111 2222")).isTrue(); // Beijing's
        assertThat(e.matches("王丽", born.plusDays(1), "13800000000")).isFalse();
        assertThat(e.matches("张丽", born, "13800000000")).isFalse();
        assertThat(e.matches("王丽", born, "13800000001")).isFalse();
    }

    @Test
    void item4_thePatientReadsTheUnionMarkedWithItsSources() {
        Patient seen = PatientIdentityMerger.asSeenByPatient(alice());
        assertThat(seen.getName()).extracting(HumanName::getText).contains("王 丽");
        assertThat(seen.getName()).hasSize(2); // "Wang Li" recorded by both hospitals is listed once
        HumanName wangLi = seen.getName().stream().filter(n -> "Wang".equals(n.getFamily())).findFirst().orElseThrow();
        assertThat(sources(wangLi.getExtensionsByUrl(IdentitySystems.RECORDED_BY_EXTENSION)))
                .containsExactlyInAnyOrder("hosp-beijing", "hosp-shanghai");
        assertThat(seen.getTelecom()).extracting(ContactPoint::getValue)
                .containsExactlyInAnyOrder("13911112222", "13800000000");
        ContactPoint sh = seen.getTelecom().stream().filter(t -> t.getValue().equals("13800000000")).findFirst()
                .orElseThrow();
        assertThat(sources(sh.getExtensionsByUrl(IdentitySystems.RECORDED_BY_EXTENSION)))
                .containsExactly("hosp-shanghai");
        assertThat(seen.getAddressFirstRep().getCity()).isEqualTo("上海");
        Identifier mrn = seen.getIdentifier().stream().filter(i -> "BJ-7".equals(i.getValue())).findFirst()
                .orElseThrow();
        assertThat(mrn.getAssigner().getIdentifier().getValue()).isEqualTo("hosp-beijing");
        // The stored Patient is untouched: the union is computed on read.
        assertThat(alice().getTelecom()).hasSize(1);
    }

    private static java.util.List<String> sources(java.util.List<Extension> marks) {
        return marks.stream().map(x -> ((Reference) x.getValue()).getIdentifier().getValue()).toList();
    }
}
