package dev.gantry.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.cri.v1.RuntimeCondition;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** NetworkReady follows the CNI conf dir while the daemon runs: empty, then a good conflist, then a broken one. */
class NetworkReadyIT {

    private static final Duration PICKED_UP = Duration.ofSeconds(20);

    @RegisterExtension
    final TestNode node = TestNode.sandbox();

    @Test
    void confDir_emptyThenWrittenThenBroken_networkReadyFollows() throws InterruptedException {
        PodCalls pods = new PodCalls(node.startAsIs());
        RuntimeCondition empty = pods.networkReady();
        assertThat(empty.getStatus()).as("empty conf dir").isFalse();
        assertThat(empty.getReason()).isNotBlank();
        SandboxBadInputIT.assertRefused(() -> pods.run(node.pod("early").build()), Status.Code.FAILED_PRECONDITION,
                "pod network is not ready: ");

        node.network().install();
        assertThat(awaitNetworkReady(pods, true).getStatus()).as("after writing the conflist").isTrue();
        String id = pods.run(node.pod("now-networked").build());
        assertThat(pods.status(id).getNetwork().getIp()).startsWith(node.network().v4Prefix());

        node.network().write(CniTestNetwork.CONF_FILE, "{\"cniVersion\":");
        RuntimeCondition broken = awaitNetworkReady(pods, false);
        assertThat(broken.getStatus()).as("after breaking the conflist").isFalse();
        assertThat(broken.getReason()).isNotBlank();
        PodSandboxConfig late = node.pod("late").build();
        SandboxBadInputIT.assertRefused(() -> pods.run(late), Status.Code.FAILED_PRECONDITION, "pod network is not ready: ");
        assertThat(pods.status(id).getState()).as("a running pod keeps running").isEqualTo(PodSandboxState.SANDBOX_READY);
        String hostPod = pods.run(PodConfigs.withNamespaces(node.pod("hostnet"), NamespaceMode.NODE, NamespaceMode.CONTAINER,
                NamespaceMode.POD).clearHostname().build());
        assertThat(pods.status(hostPod).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
    }

    @Test
    void confDir_fixedAfterBrokenStart_networkBecomesReady() throws InterruptedException {
        node.network().write(CniTestNetwork.CONF_FILE, "garbage");
        PodCalls pods = new PodCalls(node.startAsIs());
        assertThat(pods.networkReady().getStatus()).isFalse();

        node.network().install();

        assertThat(awaitNetworkReady(pods, true).getStatus()).isTrue();
        assertThat(pods.status(pods.run(node.pod("fixed").build())).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
    }

    private static RuntimeCondition awaitNetworkReady(PodCalls pods, boolean wanted) throws InterruptedException {
        Instant giveUp = Instant.now().plus(PICKED_UP);
        RuntimeCondition condition = pods.networkReady();
        while (condition.getStatus() != wanted && Instant.now().isBefore(giveUp)) {
            Thread.sleep(200);
            condition = pods.networkReady();
        }
        return condition;
    }
}
