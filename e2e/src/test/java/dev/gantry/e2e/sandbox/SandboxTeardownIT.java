package dev.gantry.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.cri.v1.PortMapping;
import dev.gantry.cri.v1.Protocol;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stop and Remove leave nothing: no mount, pinned namespace, shm, veth, iptables line, IPAM
 * reservation, cgroup, pod dir or infra process. Each check first sees its thing while the pod is
 * READY, so an empty result after Remove means gone, not looked for in the wrong place.
 */
class SandboxTeardownIT {

    @RegisterExtension
    final TestNode node = TestNode.sandbox();

    @Test
    void stopThenRemove_fullPod_leavesNothing() {
        PodCalls pods = new PodCalls(node.start());
        String id = pods.run(fullPod("full"));
        PodInfo pod = pods.info(id);
        assertEverythingPresent(pod);

        pods.stop(id);
        pods.remove(id);

        assertThat(Leftovers.of(pod, node)).isEmpty();
        assertThat(pods.list()).isEmpty();
        assertThat(node.network().bridgePorts()).isEmpty();
    }

    @Test
    void stop_readyPod_releasesItsNetwork() {
        PodCalls pods = new PodCalls(node.start());
        String id = pods.run(fullPod("stopped"));
        PodInfo pod = pods.info(id);
        assertThat(Leftovers.network(pod, node.network())).isNotEmpty();

        pods.stop(id);

        assertThat(pods.status(id).getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        assertThat(Leftovers.network(pod, node.network())).as("CNI DEL ran at Stop").isEmpty();
        assertThat(Leftovers.infra(pod.infraPid())).as("infra process after Stop").isEmpty();
    }

    @Test
    void remove_manyPods_leavesNothingOfAny() {
        PodCalls pods = new PodCalls(node.start());
        java.util.List<PodInfo> all = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(pods.info(pods.run(fullPod("many-" + i))));
        }

        all.forEach(pod -> pods.remove(pod.id()));

        all.forEach(pod -> assertThat(Leftovers.of(pod, node)).as("pod %s", pod.id()).isEmpty());
        assertThat(node.network().reservations()).isEmpty();
        assertThat(node.network().bridgePorts()).isEmpty();
    }

    /** A pod with everything that can leak: host port, infra process, sysctl, its own cgroup parent. */
    private PodSandboxConfig fullPod(String name) {
        PodSandboxConfig.Builder config = PodConfigs.withNamespaces(node.pod(name), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(80).setHostPort(0))
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(8080)
                        .setHostPort(20000 + Math.floorMod(name.hashCode(), 20000)));
        config.getLinuxBuilder().putSysctls("net.ipv4.ip_unprivileged_port_start", "80");
        return config.build();
    }

    private void assertEverythingPresent(PodInfo pod) {
        Path state = node.daemon().state();
        assertThat(Leftovers.mounts(pod.id())).as("pinned namespaces and shm are mounts").hasSizeGreaterThanOrEqualTo(4);
        for (String kind : new String[] {"net", "ipc", "uts"}) {
            assertThat(state.resolve("ns").resolve(kind).resolve(pod.id())).exists();
        }
        assertThat(Path.of(pod.shmPath())).isEqualTo(state.resolve("shm").resolve(pod.id()));
        assertThat(pod.hostVeth(node.network().bridge())).as("host veth in the CNI result").isPresent();
        assertThat(node.network().bridgePorts()).contains(pod.hostVeth(node.network().bridge()).orElseThrow());
        assertThat(Leftovers.iptables(pod)).as("portmap and masquerade rules").isNotEmpty();
        assertThat(node.network().reservations()).extracting(p -> p.getFileName().toString()).contains(pod.ipv4());
        assertThat(Leftovers.cgroups(pod.cgroupParent())).as("pod cgroup").isNotEmpty();
        assertThat(Files.isDirectory(Path.of(pod.podDirectory()))).isTrue();
        assertThat(Leftovers.infra(pod.infraPid())).isPresent();
    }
}
