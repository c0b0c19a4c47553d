package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.fixtures.PodConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * StopContainer: the stop signal (SIGTERM), SIGKILL at the deadline, and an answer only once the
 * container has exited. A process that is PID 1 of its own PID namespace ignores a SIGTERM it
 * has no handler for (pid_namespaces(7)), so tests that want a plain {@code sleep} to die of
 * SIGTERM run it in a pod-wide PID namespace, where catatonit is PID 1.
 */
class ContainerStopIT {

    @RegisterExtension
    final ContainerEnvironment node = new ContainerEnvironment();

    @Test
    void stop_containerIgnoringTerm_killedAtTimeout137() {
        ContainerCalls calls = node.start();
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
        ContainerCalls calls = node.start();
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
        ContainerCalls calls = node.start();
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
        ContainerCalls calls = node.start();
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
        ContainerCalls calls = node.start();
        PodSandboxConfig pod = node.pod("already").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(), "exit 5").build(), pod);
        ContainerStatus exited = calls.awaitExit(id);

        calls.stop(id, 10);
        calls.stop(id, 10);

        assertThat(calls.status(id)).isEqualTo(exited);
    }

    private PodSandboxConfig sharedPid(String name) {
        return PodConfigs.withNamespaces(node.pod(name), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD).build();
    }
}
