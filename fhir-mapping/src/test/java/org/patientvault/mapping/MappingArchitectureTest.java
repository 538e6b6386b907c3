package org.patientvault.mapping;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * fhir-mapping is packaged by feature (dicom, checkup, terminology, linking, quality): the features must not form a
 * cycle, each feature's {@code internal} package is reachable only from inside that feature, and the root package
 * (shared vocabulary) knows no feature. {@code ../shared/tools/pkgcycles.py} is the quick look; this is the guard.
 */
class MappingArchitectureTest {

    private static final String ROOT = "org.patientvault.mapping";

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void featuresAreFreeOfCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void internalPackagesAreUsedOnlyInsideTheirFeature() {
        classes().that().resideInAPackage("..internal..").should(beUsedOnlyInsideTheirFeature()).check(classes);
    }

    @Test
    void theRootPackageKnowsNoFeature() {
        noClasses().that().resideInAPackage(ROOT)
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".*..")
                .check(classes);
    }

    /** The feature of {@code a.b.feature.internal.x} is {@code a.b.feature}; its tree may use the class. */
    private static ArchCondition<JavaClass> beUsedOnlyInsideTheirFeature() {
        return new ArchCondition<>("be used only inside their own feature package tree") {
            @Override
            public void check(JavaClass internal, ConditionEvents events) {
                String pkg = internal.getPackageName();
                String feature = pkg.substring(0, pkg.indexOf(".internal"));
                for (Dependency d : internal.getDirectDependenciesToSelf()) {
                    String from = d.getOriginClass().getPackageName();
                    if (!from.equals(feature) && !from.startsWith(feature + ".")) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        };
    }
}
