package org.patientvault.vault.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.terminology.TerminologySummary;
import org.patientvault.mapping.terminology.TerminologyUnmappedCode;
import org.patientvault.vault.security.AccountLinker;

/** Who counts as a vault Patient, how names compare, and the receipt form of a terminology summary. */
class VaultPatientIndexTest {

    @Test
    void onlyOwnedAndActivePatientsAreVaultPatients() {
        Patient clinicRecord = new Patient();
        clinicRecord.addName().setText("李博");
        assertThat(VaultPatientIndex.isVaultPatient(clinicRecord)).isFalse();

        Patient account = new Patient().addIdentifier(new Identifier().setSystem(AccountLinker.ACCOUNT_SYSTEM)
                .setValue("sub-1"));
        assertThat(VaultPatientIndex.isVaultPatient(account)).isTrue();

        Patient resident = new Patient().addIdentifier(new Identifier().setSystem(IdentitySystems.RESIDENT_ID)
                .setValue("110101198503120025"));
        assertThat(VaultPatientIndex.isVaultPatient(resident)).isTrue();

        Patient invalidResident = new Patient().addIdentifier(new Identifier().setSystem(IdentitySystems.RESIDENT_ID)
                .setValue("110101198503120026"));
        assertThat(VaultPatientIndex.isVaultPatient(invalidResident)).isFalse();

        account.setActive(false).addLink().setOther(new Reference("Patient/x"));
        assertThat(VaultPatientIndex.isVaultPatient(account)).isFalse();
    }

    @Test
    void namesCompareAsWrittenIgnoringSpacesWidthAndCase() {
        Patient cjk = new Patient();
        cjk.addName().setFamily("李").addGiven("博");
        assertThat(VaultPatientIndex.nameOf(cjk)).isEqualTo("李博");
        Patient western = new Patient();
        western.addName().setFamily("Li").addGiven("Bob");
        assertThat(VaultPatientIndex.nameOf(western)).isEqualTo("Bob Li");
        assertThat(VaultPatientIndex.key("李 博")).isEqualTo(VaultPatientIndex.key("李博"));
        assertThat(VaultPatientIndex.key("ＢＯＢ li")).isEqualTo(VaultPatientIndex.key("Bob Li"));
        assertThat(VaultPatientIndex.key("李博")).isNotEqualTo(VaultPatientIndex.key("李波"));
        assertThat(VaultPatientIndex.key(null)).isEmpty();
        assertThat(VaultPatientIndex.nameOf(new Patient())).isNull();

        Patient p = new Patient();
        p.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue("a@b");
        p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("13800138000");
        assertThat(VaultPatientIndex.phoneOf(p)).isEqualTo("13800138000");
    }

    @Test
    void theReceiptExtensionCarriesCountsAndEveryUnmappedCode() {
        var ext = TerminologyHook.toExtension(new TerminologySummary(5, 1, 3, 2, List.of(
                new TerminologyUnmappedCode("urn:local", "X-42", "自定义"),
                new TerminologyUnmappedCode(null, null, "无代码"))));
        assertThat(ext.getUrl()).isEqualTo(TerminologyHook.SUMMARY_URL);
        assertThat(ext.getExtensionByUrl("observations").getValue().primitiveValue()).isEqualTo("5");
        assertThat(ext.getExtensionByUrl("alreadyLoinc").getValue().primitiveValue()).isEqualTo("1");
        assertThat(ext.getExtensionByUrl("mapped").getValue().primitiveValue()).isEqualTo("3");
        assertThat(ext.getExtensionByUrl("converted").getValue().primitiveValue()).isEqualTo("2");
        assertThat(ext.getExtensionsByUrl("unmapped")).hasSize(2);
    }
}
