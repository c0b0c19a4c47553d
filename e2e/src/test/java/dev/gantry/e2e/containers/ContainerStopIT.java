package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.Signal;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * StopContainer: the stop signal (SIGTERM), SIGKILL at the deadline, and an answer only once the
 * container has exited. A process that is PID 1 of its own PID namespace ignores a SIGTERM it
 * has no handler for (pid_namespaces(7)), so tests that want a plain {@code sleep} to die of
 * SIGTERM run it in a pod-wide PID namespace, where catatonit is PID 1. The stop signal comes
 * from the ContainerConfig, else the image config, else SIGTERM.
 */
class ContainerStopIT {

    @RegisterExtension
    final TestNode node = TestNode.containers();

    @Test
    void stop_containerIgnoringTerm_killedAtTimeout137() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("ignores-term").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(),
                "trap '' TERM; echo ready; while true; do sleep 1; done").build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        calls.stop(id, 2);

        ContainerStatus status = calls.status(id);
        assertThat(status.getState()).as("StopContainer returns once the container has exited").isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(status.getExitCode()).isEqualTo(137);
        assertThat(status.getReason()).isEqualTo("Error");
    }

    @Test
    void stop_sleepNotPid1_exitsOnTerm143() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = sharedPid("term");
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        calls.stop(id, 10);

        ContainerStatus status = calls.status(id);
        assertThat(status.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(status.getExitCode()).as("128 + SIGTERM").isEqualTo(143);
    }

    @Test
    void stop_sleepAsPid1_termIgnoredSoKilled137() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("pid1").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        calls.stop(id, 2);

        ContainerStatus status = calls.status(id);
        assertThat(status.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(status.getExitCode()).isEqualTo(137);
    }

    @Test
    void stop_timeoutZero_killsWithoutTerm137() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = sharedPid("zero");
        String podId = node.runPod(pod);
        // would exit 143 on SIGTERM (see stop_sleepNotPid1_exitsOnTerm143): 137 proves SIGKILL came first
        String id = calls.run(podId, ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        calls.stop(id, 0);

        ContainerStatus status = calls.status(id);
        assertThat(status.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(status.getExitCode()).isEqualTo(137);
    }

    @Test
    void stop_exitedContainer_okAndUnchanged() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("already").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(), "exit 5").build(), pod);
        ContainerStatus exited = calls.awaitExit(id);

        calls.stop(id, 10);
        calls.stop(id, 10);

        assertThat(calls.status(id)).isEqualTo(exited);
    }

    /** Exits 10 on SIGUSR1, 15 on SIGTERM, 12 on SIGUSR2 (each handled, so delivered to PID 1): the code names the signal. */
    private static final String SIGNAL_REPORTER =
            "trap 'exit 10' USR1; trap 'exit 12' USR2; trap 'exit 15' TERM; while true; do sleep 0.2; done";

    @Test
    void stop_imageStopSignalUsr1_sendsUsr1AndReportsIt() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("image-signal").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.images().busyboxUsr1Ref(), SIGNAL_REPORTER).build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        assertThat(calls.status(id).getStopSignal()).isEqualTo(Signal.SIGUSR1);

        calls.stop(id, 10);

        assertThat(calls.status(id).getExitCode()).as("exit code names the signal received").isEqualTo(10);
    }

    @Test
    void stop_configStopSignal_overridesImage() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("config-signal").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.images().busyboxUsr1Ref(), SIGNAL_REPORTER)
                .setStopSignal(Signal.SIGUSR2).build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        assertThat(calls.status(id).getStopSignal()).isEqualTo(Signal.SIGUSR2);

        calls.stop(id, 10);

        assertThat(calls.status(id).getExitCode()).isEqualTo(12);
    }

    @Test
    void stop_noStopSignalAnywhere_sendsTerm() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("default-signal").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(), SIGNAL_REPORTER).build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        calls.stop(id, 10);

        assertThat(calls.status(id).getExitCode()).isEqualTo(15);
    }

    /**
     * A container in a PID namespace of its own: gantryd sends SIGKILL to its init itself, through a
     * pidfd, and the kernel takes the rest of the namespace with it.
     */
    @Test
    void stop_timeoutZero_ownPidNamespace_killsEveryProcessOfTheContainer() {
        assertStopKillsChildren("own-ns", node.pod("own-ns").build(), "4711");
    }

    /**
     * A container in its pod's PID namespace: killing its init alone would leave the children
     * running under the pod's catatonit, so every process of the container is killed.
     */
    @Test
    void stop_timeoutZero_sharedPidNamespace_killsEveryProcessOfTheContainer() {
        assertStopKillsChildren("shared-ns", sharedPid("shared-ns"), "4712");
    }

    private void assertStopKillsChildren(String name, PodSandboxConfig pod, String marker) {
        ContainerCalls calls = new ContainerCalls(node.start());
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, name, node.image(),
                "sleep " + marker + "1 & sleep " + marker + "2 & echo ready; wait").build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        Waits.until("both children of " + name + " run", () -> sleepers(marker) == 2);

        calls.stop(id, 0);

        assertThat(calls.status(id).getExitCode()).isEqualTo(137);
        assertThat(sleepers(marker)).as("children left running after StopContainer answered").isZero();
    }

    /** Processes on the host whose command line is {@code sleep <marker>1} or {@code sleep <marker>2} (a zombie's is empty). */
    private static long sleepers(String marker) {
        Set<String> wanted = Set.of("sleep " + marker + "1", "sleep " + marker + "2");
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> wanted.contains(cmdline(p)))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String cmdline(Path proc) {
        try {
            return Files.readString(proc.resolve("cmdline"), StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException gone) {
            return "";
        }
    }

    private PodSandboxConfig sharedPid(String name) {
        return PodConfigs.withNamespaces(node.pod(name), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD).build();
    }
}
