package dev.gantry.e2e;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * e2e's edges in docs/architecture.md, tests included: gantryd is driven through its socket with
 * cri-api's generated client, never through its classes.
 */
@AnalyzeClasses(packages = "dev.gantry.e2e")
class E2eArchitectureTest {

    @ArchTest
    static final ArchRule onlyTheCriClient = classes()
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.gantry..")
                    .or(resideInAnyPackage("dev.gantry.e2e..", "dev.gantry.cri.v1..")));

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("dev.gantry.e2e.(**)").should().beFreeOfCycles();
}
