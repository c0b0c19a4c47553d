package dev.gantry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package map of docs/architecture.md, checked on the production classes of every module this
 * one depends on (all but node-agent and e2e, which check their own). No rule is frozen: a
 * violation fails the build.
 */
@AnalyzeClasses(packages = "dev.gantry", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Every package is a slice; an import in both directions between any two is a cycle. */
    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices().matching("dev.gantry.(**)").should().beFreeOfCycles();

    /** gRPC (Status, stubs, observers) stays at the edge: the RPC classes, the daemon and cri-api's generated code. */
    @ArchTest
    static final ArchRule grpcOnlyAtTheEdge = noClasses()
            .that().resideOutsideOfPackages("..rpc..", "dev.gantry.runtime.daemon..", "dev.gantry.cri.v1..")
            .should().dependOnClassesThat().resideInAPackage("io.grpc..")
            .because("only the RPC layer and the daemon speak gRPC; CRI messages may travel below, Status and stubs may not");

    @ArchTest
    static final ArchRule jnaOnlyInLinux = noClasses()
            .that().resideOutsideOfPackage("dev.gantry.linux..")
            .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
            .because("syscalls go through the linux module alone");

    /** The RPC classes are reached from the daemon only (it registers them); domain code never calls up. */
    @ArchTest
    static final ArchRule rpcCalledOnlyByTheDaemon = noClasses()
            .that().resideOutsideOfPackages("..rpc..", "dev.gantry.runtime.daemon..")
            .should().dependOnClassesThat().resideInAPackage("..rpc..");

    /** The daemon wires everything; nothing depends on it. */
    @ArchTest
    static final ArchRule nothingDependsOnTheDaemon = noClasses()
            .that().resideOutsideOfPackage("dev.gantry.runtime.daemon..")
            .should().dependOnClassesThat().resideInAPackage("dev.gantry.runtime.daemon..");

    /** The module graph: each module uses only the modules its pom names (the table in docs/architecture.md). */
    @ArchTest
    static final ArchRule modulesFollowTheModuleGraph = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("common").definedBy("dev.gantry.common..")
            .layer("cri-api").definedBy("dev.gantry.cri..")
            .layer("linux").definedBy("dev.gantry.linux..")
            .layer("cni-bridge").definedBy("dev.gantry.cni..")
            .layer("image-service").definedBy("dev.gantry.image..")
            .layer("sandbox").definedBy("dev.gantry.sandbox..")
            .layer("runtime-service").definedBy("dev.gantry.runtime..")
            .whereLayer("common").mayNotAccessAnyLayer()
            .whereLayer("cri-api").mayOnlyAccessLayers("common")
            .whereLayer("linux").mayOnlyAccessLayers("common")
            .whereLayer("cni-bridge").mayOnlyAccessLayers("common")
            .whereLayer("image-service").mayOnlyAccessLayers("common", "cri-api", "linux")
            .whereLayer("sandbox").mayOnlyAccessLayers("common", "linux", "cni-bridge")
            .whereLayer("runtime-service").mayOnlyAccessLayers("common", "cri-api", "linux", "cni-bridge", "image-service", "sandbox");
}
