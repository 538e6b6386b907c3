package org.patientvault.vault;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point down only (DESIGN §2): this fails the build when a domain library reaches up, an edge reaches
 * around its ports, or vault-api's feature packages form a cycle.
 */
class ModuleBoundariesTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.patientvault");
    }

    @Test
    void domainLibrariesDoNotImportTheAppOrTheEdges() {
        noClasses().that().resideInAnyPackage("org.patientvault.mapping..", "org.patientvault.consent..",
                        "org.patientvault.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("org.patientvault.vault..",
                        "org.patientvault.mobile..", "org.patientvault.web..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void domainLibrariesDoNotImportEachOther() {
        noClasses().that().resideInAnyPackage("org.patientvault.mapping..", "org.patientvault.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("org.patientvault.consent..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void noMinioTypeOutsideStorage() {
        noClasses().that().resideOutsideOfPackage("org.patientvault.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("io.minio..")
                .allowEmptyShould(true)
                .check(classes);
    }

    /** Consent is decided in one IConsentService, in the consent module; no provider or controller decides it. */
    @Test
    void consentIsDecidedOnlyInTheConsentModule() {
        noClasses().that().resideOutsideOfPackage("org.patientvault.consent..")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.patientvault.consent.ConsentEngine")
                .orShould().implement("ca.uhn.fhir.rest.server.interceptor.consent.IConsentService")
                .check(classes);
    }

    /** vault-api's feature packages talk in one direction only (docs/architecture.md has the map). */
    @Test
    void vaultApiFeaturesAreFreeOfCycles() {
        slices().matching("org.patientvault.vault.(*)..").should().beFreeOfCycles().check(classes);
    }

    /**
     * The edges (mobile-api, web) read and write only through their ports, which vault-api implements on the guarded
     * /fhir path: never HAPI JPA (DAOs, the system DAO, search internals), JPA, the object store or vault-api itself.
     */
    @Test
    void edgesNeverReachAroundTheGuardedPath() {
        noClasses().that().resideInAnyPackage("org.patientvault.mobile..", "org.patientvault.web..")
                .should().dependOnClassesThat().resideInAnyPackage("ca.uhn.fhir.jpa..", "jakarta.persistence..",
                        "org.hibernate..", "org.springframework.jdbc..", "org.patientvault.storage..", "io.minio..",
                        "org.patientvault.vault..")
                .allowEmptyShould(true)
                .check(classes);
    }

    /** Maven arrows: vault-api → web → mobile-api; the patient API does not know the browser UI. */
    @Test
    void mobileApiDoesNotImportWeb() {
        noClasses().that().resideInAnyPackage("org.patientvault.mobile..")
                .should().dependOnClassesThat().resideInAnyPackage("org.patientvault.web..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void noSpringWebInDomainLibraries() {
        noClasses().that().resideInAnyPackage("org.patientvault.mapping..", "org.patientvault.consent..",
                        "org.patientvault.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework.web..")
                .allowEmptyShould(true)
                .check(classes);
    }

    /** A domain library's {@code internal} packages are its own: no class outside the library depends on them. */
    @Test
    void internalPackagesStayInsideTheirModule() {
        for (String module : new String[] {"org.patientvault.mapping", "org.patientvault.storage",
                "org.patientvault.consent"}) {
            noClasses().that().resideOutsideOfPackage(module + "..")
                    .should().dependOnClassesThat().resideInAPackage(module + "..internal..")
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }
}
