package dev.gantry.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandbox;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.cri.v1.PortMapping;
import dev.gantry.cri.v1.Protocol;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.fixtures.PodConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pods outlive a kill -9 of the daemon: a new daemon on the same dirs finds them as they were and tears them down cleanly. */
class SandboxRecoveryIT {

    @RegisterExtension
    final SandboxEnvironment node = SandboxEnvironment.ipv4();

    @Test
    void killAndRestart_readyPods_sameStateIpAndNamespaces() {
        PodCalls pods = node.start();
        PodSandboxConfig withInfra = PodConfigs.withNamespaces(node.pod("survivor"), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(80).setHostPort(23080))
                .build();
        PodInfo a = pods.info(pods.run(withInfra));
        PodInfo b = pods.info(pods.run(node.pod("peer").build()));
        String stopped = pods.run(node.pod("stopped").build());
        pods.stop(stopped);

        PodCalls again = node.killAndRestart();

        assertThat(again.list()).extracting(PodSandbox::getId).containsExactlyInAnyOrder(a.id(), b.id(), stopped);
        assertThat(again.status(a.id()).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(again.status(b.id()).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(again.status(stopped).getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        PodInfo after = again.info(a.id());
        assertThat(after.ips()).isEqualTo(a.ips());
        assertThat(after.netnsPath()).isEqualTo(a.netnsPath());
        assertThat(after.infraPid()).isEqualTo(a.infraPid());
        assertThat(Leftovers.infra(a.infraPid())).as("infra process survived").isPresent();
        HostCommands.Outcome ping = Nsenter.in("net", a.netnsPath(), "busybox", "ping", "-c1", "-W2", b.ipv4());
        assertThat(ping.ok()).as("ping after restart: %s", ping.stdout()).isTrue();
    }

    @Test
    void killAndRestart_thenStopAndRemove_leavesNothing() {
        PodCalls pods = node.start();
        PodSandboxConfig config = PodConfigs.withNamespaces(node.pod("recovered"), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(80).setHostPort(23081))
                .build();
        PodInfo pod = pods.info(pods.run(config));

        PodCalls again = node.killAndRestart();
        again.stop(pod.id());
        again.remove(pod.id());

        assertThat(again.list()).isEmpty();
        assertThat(node.leftovers(pod)).isEmpty();
        assertThat(node.network().reservations()).isEmpty();
        assertThat(node.network().bridgePorts()).isEmpty();
    }

    @Test
    void cleanRestart_readyPod_stillReadyWithSameIp() {
        PodCalls pods = node.start();
        PodInfo pod = pods.info(pods.run(node.pod("clean").build()));

        node.daemon().stop();
        PodCalls again = node.restartStopped();

        assertThat(again.status(pod.id()).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(again.info(pod.id()).ips()).isEqualTo(pod.ips());
    }
}
