package dev.gantry.nodeagent;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** node-agent's edges in docs/architecture.md: a plug-in that sees the daemon only through runtime.node. */
@AnalyzeClasses(packages = "dev.gantry.nodeagent", importOptions = ImportOption.DoNotIncludeTests.class)
class NodeAgentArchitectureTest {

    @ArchTest
    static final ArchRule usesOnlyTheNodeSeam = classes()
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.gantry..")
                    .or(resideInAnyPackage("dev.gantry.nodeagent..", "dev.gantry.runtime.node..")));

    @ArchTest
    static final ArchRule noGrpc = noClasses().should().dependOnClassesThat().resideInAPackage("io.grpc..");
}
