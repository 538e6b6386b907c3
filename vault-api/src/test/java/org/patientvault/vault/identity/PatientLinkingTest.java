package org.patientvault.vault.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How references and conditional URLs naming a submitted Patient are compared. */
class PatientLinkingTest {

    @Test
    void conditionalUrlsCompareDecodedAndRelative() {
        String plain = "Patient?identifier=https://patientvault.org/fhir/sid/cn-resident-id|110101198503120025";
        assertThat(PatientLinking.normalise(
                "Patient?identifier=https%3A%2F%2Fpatientvault.org%2Ffhir%2Fsid%2Fcn-resident-id%7C110101198503120025"))
                .isEqualTo(plain);
        assertThat(PatientLinking.normalise("/" + plain + " ")).isEqualTo(plain);
        assertThat(PatientLinking.normalise("Patient/abc")).isEqualTo("Patient/abc");
        // A plus sign is a value character here, not an encoded space.
        assertThat(PatientLinking.normalise("Patient?identifier=urn:x|a+b")).isEqualTo("Patient?identifier=urn:x|a+b");
        // Malformed escapes are compared as sent rather than failing the submission.
        assertThat(PatientLinking.normalise("Patient?identifier=urn:x|%zz")).isEqualTo("Patient?identifier=urn:x|%zz");
    }
}
