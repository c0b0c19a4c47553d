package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.harness.GantryDaemon;
import dev.gantry.e2e.harness.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gantryd that systemd started as a Type=notify unit has NOTIFY_SOCKET in its environment. It is
 * gantryd's channel to its unit and must reach neither runc nor the CNI plugins: a {@code runc
 * start} that sees it binds a notify socket in the container's state directory, which a create
 * without it never made, and fails every StartContainer. The socket named here has no listener, so
 * gantryd's own notifications only log a warning.
 */
class ContainerUnderSystemdIT {

    @RegisterExtension
    final TestNode node = TestNode.containers().withDaemon(() -> {
        GantryDaemon daemon = GantryDaemon.create();
        return daemon.withEnv("NOTIFY_SOCKET", daemon.dir().resolve("systemd-notify.sock").toString());
    });

    @Test
    void notifySocketInTheDaemonsEnvironment_podsAndContainersRunAndStop() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("under-systemd").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build(), pod);

        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        calls.stop(id, 0);

        assertThat(calls.status(id).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(calls.status(id).getExitCode()).isEqualTo(137);
    }
}
