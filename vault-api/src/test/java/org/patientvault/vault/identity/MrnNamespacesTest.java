package org.patientvault.vault.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.patientvault.mapping.IdentitySystems;
import org.patientvault.mapping.linking.LinkSource;

/** The pure namespace rule of issue 13 item 9. */
class MrnNamespacesTest {

    private static final String BJ = "https://hosp-beijing.example.cn/mrn";
    private static final Function<String, Optional<String>> OWNERS =
            s -> BJ.equals(s) ? Optional.of("hosp-beijing") : Optional.empty();

    @Test
    void item9_hospitalCannotAssertForeignMrnNamespace() {
        // Another hospital's claimed namespace, even without an assigner.
        assertThat(MrnNamespaces.refusal(patient(new Identifier().setSystem(BJ).setValue("BJ-7")), "hosp-shanghai",
                "Organization/sh", OWNERS)).contains("identifier[0] with system " + BJ);
        // An assigner naming another Organization, by identifier or by reference, in an unclaimed namespace.
        Identifier byOrgId = new Identifier().setSystem("https://free.example/mrn").setValue("1")
                .setAssigner(new Reference().setIdentifier(new Identifier().setSystem(IdentitySystems.ORGANIZATION)
                        .setValue("clinic-rural")));
        assertThat(MrnNamespaces.refusal(patient(byOrgId), "hosp-shanghai", "Organization/sh", OWNERS)).isPresent();
        Identifier byRef = new Identifier().setSystem("https://free.example/mrn").setValue("1")
                .setAssigner(new Reference("Organization/other"));
        assertThat(MrnNamespaces.refusal(patient(byRef), "hosp-shanghai", "Organization/sh", OWNERS)).isPresent();
        // Vault-reserved systems: the account, another hospital's default namespace, the org directory.
        for (String reserved : List.of(IdentitySystems.BASE + "/sid/account", LinkSource.defaultMrnSystem("clinic-rural"),
                IdentitySystems.ORGANIZATION)) {
            assertThat(MrnNamespaces.refusal(patient(new Identifier().setSystem(reserved).setValue("x")),
                    "hosp-shanghai", "Organization/sh", OWNERS)).as(reserved).isPresent();
        }
        // The owner itself, its own default namespace (and below it), its own assigner, and the resident ID pass.
        assertThat(MrnNamespaces.refusal(patient(new Identifier().setSystem(BJ).setValue("BJ-7")
                        .setAssigner(new Reference("Organization/bj"))), "hosp-beijing", "Organization/bj", OWNERS))
                .isEmpty();
        assertThat(MrnNamespaces.refusal(patient(
                new Identifier().setSystem(LinkSource.defaultMrnSystem("hosp-shanghai")).setValue("1"),
                new Identifier().setSystem(LinkSource.defaultMrnSystem("hosp-shanghai") + "/issuer/X").setValue("2"),
                new Identifier().setSystem(IdentitySystems.RESIDENT_ID).setValue("110101198503120025"),
                new Identifier().setSystem("https://free.example/mrn").setValue("3")
                        .setAssigner(new Reference().setDisplay("a name only, no Organization"))),
                "hosp-shanghai", "Organization/sh", OWNERS)).isEmpty();
    }

    @Test
    void firstUseClaimsOnlyWhatTheHospitalAssertsAsItsMrn() {
        Identifier typed = new Identifier().setSystem("https://sh.example/mrn").setValue("1");
        typed.getType().addCoding().setSystem(IdentitySystems.V2_0203).setCode("MR");
        Identifier assigned = new Identifier().setSystem("https://sh.example/pacs").setValue("2")
                .setAssigner(new Reference("Organization/sh"));
        Identifier passport = new Identifier().setSystem("https://passport.example").setValue("3");
        assertThat(MrnNamespaces.asserted(patient(typed, assigned, passport,
                new Identifier().setSystem(LinkSource.defaultMrnSystem("hosp-shanghai")).setValue("4")),
                "hosp-shanghai", "Organization/sh")).containsExactly("https://sh.example/mrn", "https://sh.example/pacs");
    }

    @Test
    void configuredNamespacesBelongToTheirHospital() {
        IdentityProperties props = new IdentityProperties(Map.of("hosp-beijing", List.of(BJ)),
                Map.of("hosp-shanghai", "https://sh.example/pacs"));
        assertThat(MrnNamespaces.configuredOwner(BJ, props)).contains("hosp-beijing");
        assertThat(MrnNamespaces.configuredOwner("https://sh.example/pacs", props)).contains("hosp-shanghai");
        assertThat(MrnNamespaces.configuredOwner(LinkSource.defaultMrnSystem("clinic-rural") + "/issuer/Y", props))
                .contains("clinic-rural");
        assertThat(MrnNamespaces.configuredOwner("https://free.example", props)).isEmpty();
    }

    private static Patient patient(Identifier... ids) {
        Patient p = new Patient();
        for (Identifier i : ids) {
            p.addIdentifier(i);
        }
        return p;
    }
}
