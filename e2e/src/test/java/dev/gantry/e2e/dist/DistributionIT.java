package dev.gantry.e2e.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ListContainersRequest;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxStatusRequest;
import dev.gantry.cri.v1.RemoveContainerRequest;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;
import dev.gantry.e2e.containers.ContainerCalls;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.harness.GantryDaemon;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The distribution tarball ({@code scripts/dist.sh}, built in the pre-integration-test phase),
 * unpacked as on a node under {@code <tmp>/opt/gantry}: its gantryd runs on the bundled runtime with
 * no JDK in sight (a PATH without java, no JAVA_HOME) and serves a pod and a container from start to
 * removal; its systemd unit passes {@code systemd-analyze verify}.
 */
class DistributionIT {

    /** System property naming the tarball; e2e's pom sets it. */
    static final String TARBALL_PROPERTY = "gantry.dist.tarball";

    private static Path root;
    private static Path home;
    private static Path path;

    @RegisterExtension
    final TestNode node = TestNode.containers().withDaemon(() -> GantryDaemon.create(home.resolve("bin/gantryd"))
            .withoutEnv("JAVA_HOME")
            .withoutEnv("JAVA_TOOL_OPTIONS")
            .withoutEnv("JDK_JAVA_OPTIONS")
            .withEnv("PATH", path.toString()));

    @BeforeAll
    static void unpack() throws Exception {
        String tarball = System.getProperty(TARBALL_PROPERTY);
        assertThat(tarball).as("system property " + TARBALL_PROPERTY).isNotBlank();
        assertThat(Path.of(tarball)).as("the distribution built by scripts/dist.sh").isRegularFile();
        root = Files.createTempDirectory("gantry-e2e-dist-");
        home = Files.createDirectories(root.resolve("opt/gantry"));
        run(List.of("tar", "-xzf", tarball, "-C", home.toString()), List.of());
        path = pathWithoutJava(Files.createDirectories(root.resolve("path")));
    }

    @AfterAll
    static void removeUnpacked() throws IOException {
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void gantryd_fromUnpackedTarballWithoutJdk_runsPodLifecycle() throws Exception {
        assertThat(run(List.of("/bin/sh", "-c", "command -v java || echo none"), List.of("PATH=" + path)).trim())
                .as("java on the daemon's PATH").isEqualTo("none");
        ContainerCalls calls = new ContainerCalls(node.start());
        long pid = node.daemon().pid();
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")))
                .as("the daemon's JVM").startsWith(home.resolve("runtime"));
        assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "maps")))
                .as("the AOT cache trained for the bundled runtime is mapped, though the tree moved since training")
                .contains(home.resolve("lib/gantry").toString() + "/gantryd-").contains(".aot");

        VersionResponse version = node.client().runtime().version(VersionRequest.getDefaultInstance());
        assertThat(version.getRuntimeName()).isEqualTo("gantry");
        assertThat(version.getRuntimeApiVersion()).isEqualTo("v1");

        PodSandboxConfig pod = node.pod("dist").build();
        String podId = node.runPod(pod);
        ContainerConfig config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build();
        String id = calls.create(podId, config, pod);
        assertThat(calls.status(id).getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
        calls.start(id);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        node.client().runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
        assertThat(calls.awaitExit(id).getExitCode()).as("sleep killed by SIGKILL").isEqualTo(137);
        node.client().runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
        node.client().runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        node.client().runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());

        assertThat(node.client().runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()).isEmpty();
        try {
            node.client().runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build());
            throw new AssertionError("pod " + podId + " still there after RemovePodSandbox");
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        }
        assertThat(node.daemon().stop()).as("exit code on SIGTERM").isZero();
        assertThat(node.output()).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
    }

    @Test
    void systemdUnit_verifies() throws Exception {
        Path unit = home.resolve("lib/systemd/system/gantry.service");
        assertThat(unit).isRegularFile();
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed: the unit is not verified");
        // The unit names /opt/gantry; a copy names the unpacked tree instead, so that systemd checks
        // its directives and that every command it runs exists and is executable.
        Path copy = root.resolve("gantry.service");
        Files.writeString(copy, Files.readString(unit).replace("/opt/gantry/", home + "/"));
        String out = run(List.of("systemd-analyze", "verify", copy.toString()), List.of());
        assertThat(out).as("systemd-analyze verify output").isBlank();
    }

    /** A directory of links to every program on this JVM's PATH except those of a JDK. */
    private static Path pathWithoutJava(Path dir) throws IOException {
        for (String entry : System.getenv("PATH").split(":")) {
            Path from = Path.of(entry);
            if (entry.isEmpty() || !Files.isDirectory(from)) {
                continue;
            }
            try (Stream<Path> programs = Files.list(from)) {
                for (Path program : programs.toList()) {
                    Path link = dir.resolve(program.getFileName().toString());
                    if (Files.exists(link) || !Files.isExecutable(program) || Files.isDirectory(program)
                            || isJdkProgram(program)) {
                        continue;
                    }
                    Files.createSymbolicLink(link, program);
                }
            }
        }
        return dir;
    }

    private static boolean isJdkProgram(Path program) throws IOException {
        Path real = program.toRealPath();
        return Files.exists(real.getParent().resolveSibling("release")) || real.getFileName().toString().equals("java");
    }

    private static boolean onPath(String program) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
    }

    /** Runs a command, fails with its output unless it exits 0, returns stdout and stderr. */
    private static String run(List<String> command, List<String> env) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        for (String pair : env) {
            int eq = pair.indexOf('=');
            builder.environment().put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        assertThat(exit).as(command + " exit code; output:\n" + out).isZero();
        return out;
    }
}
