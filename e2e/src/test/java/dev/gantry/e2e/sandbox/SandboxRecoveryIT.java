package dev.gantry.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandbox;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.cri.v1.PortMapping;
import dev.gantry.cri.v1.Protocol;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pods outlive a kill -9 of the daemon: a new daemon on the same dirs finds them as they were and tears them down cleanly. */
class SandboxRecoveryIT {

    @RegisterExtension
    final TestNode node = TestNode.sandbox();

    @Test
    void killAndRestart_readyPods_sameStateIpAndNamespaces() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig withInfra = PodConfigs.withNamespaces(node.pod("survivor"), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(80).setHostPort(23080))
                .build();
        PodInfo a = pods.info(pods.run(withInfra));
        PodInfo b = pods.info(pods.run(node.pod("peer").build()));
        String stopped = pods.run(node.pod("stopped").build());
        pods.stop(stopped);

        PodCalls again = new PodCalls(node.killAndRestart());

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
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = PodConfigs.withNamespaces(node.pod("recovered"), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(80).setHostPort(23081))
                .build();
        PodInfo pod = pods.info(pods.run(config));

        PodCalls again = new PodCalls(node.killAndRestart());
        again.stop(pod.id());
        again.remove(pod.id());

        assertThat(again.list()).isEmpty();
        assertThat(Leftovers.of(pod, node)).isEmpty();
        assertThat(node.network().reservations()).isEmpty();
        assertThat(node.network().bridgePorts()).isEmpty();
    }

    /**
     * gantryd dies inside StopPodSandbox, before and after CNI DEL released the pod's IP: the
     * restarted daemon must not list the pod READY (its network may be gone), and the kubelet's
     * next stop and remove finish the teardown.
     */
    @ParameterizedTest
    @ValueSource(strings = {"sandbox-stop-before-cni-del", "sandbox-stop-after-cni-del"})
    void killedInsideStop_podComesBackNotReady_andStopRemoveLeaveNothing(String failpoint) {
        node.armFailpoints(failpoint);
        PodCalls pods = new PodCalls(node.start());
        PodInfo pod = runWithInfra(pods, "interrupted");

        haltsAt(failpoint, () -> pods.stop(pod.id()));
        PodCalls again = new PodCalls(node.restartStopped());

        assertThat(again.status(pod.id()).getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        assertThat(again.list()).extracting(PodSandbox::getState).containsExactly(PodSandboxState.SANDBOX_NOTREADY);
        again.stop(pod.id());
        again.remove(pod.id());
        assertThat(again.list()).isEmpty();
        assertThat(Leftovers.of(pod, node)).isEmpty();
        assertThat(node.network().reservations()).isEmpty();
        assertThat(node.network().bridgePorts()).isEmpty();
    }

    /** gantryd dies inside RemovePodSandbox with the namespaces gone and the record still there: the next remove finishes. */
    @Test
    void killedInsideRemove_nextRemoveFinishes_andLeavesNothing() {
        node.armFailpoints("sandbox-remove-after-unpin");
        PodCalls pods = new PodCalls(node.start());
        PodInfo pod = runWithInfra(pods, "half-removed");

        haltsAt("sandbox-remove-after-unpin", () -> pods.remove(pod.id()));
        PodCalls again = new PodCalls(node.restartStopped());

        assertThat(again.status(pod.id()).getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        again.remove(pod.id());
        again.remove(pod.id());
        assertThat(again.list()).isEmpty();
        assertThat(Leftovers.of(pod, node)).isEmpty();
        assertThat(node.network().reservations()).isEmpty();
    }

    @Test
    void cleanRestart_readyPod_stillReadyWithSameIp() {
        PodCalls pods = new PodCalls(node.start());
        PodInfo pod = pods.info(pods.run(node.pod("clean").build()));

        node.daemon().stop();
        PodCalls again = new PodCalls(node.restartStopped());

        assertThat(again.status(pod.id()).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(again.info(pod.id()).ips()).isEqualTo(pod.ips());
    }

    /**
     * The daemon dies while RunPodSandbox is inside CNI ADD: namespaces pinned, bridge and host-local
     * done (a veth and an IP exist), the last plugin still running. The next daemon must not show a
     * READY pod, and once the kubelet removes whatever is listed, nothing of it is left.
     */
    @Test
    void killMidCniAdd_thenRestart_halfMadePodLeavesNothing() throws Exception {
        node.network().write(CniTestNetwork.CONF_FILE, node.network().hangingConflist());
        PodCalls pods = new PodCalls(node.startAsIs());
        PodSandboxConfig config = PodConfigs.withNamespaces(node.pod("half"), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .build();
        CompletableFuture<String> run = CompletableFuture.supplyAsync(() -> pods.run(config));
        Instant giveUp = Instant.now().plusSeconds(30);
        while (!Files.exists(node.network().hangingAdd()) && Instant.now().isBefore(giveUp) && !run.isDone()) {
            Thread.sleep(50);
        }
        assertThat(node.network().hangingAdd()).as("the hanging plugin was reached").exists();
        assertThat(node.network().bridgePorts()).as("bridge ran before the hang").hasSize(1);
        assertThat(node.network().reservations()).as("host-local ran before the hang").hasSize(1);

        node.kill();
        node.network().killHangingPlugin();
        run.handle((id, e) -> null).get(30, TimeUnit.SECONDS);
        PodCalls again = new PodCalls(node.restartStopped());

        for (PodSandbox pod : again.list()) {
            assertThat(pod.getState()).as("a half-made pod is never READY").isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
            again.stop(pod.getId());
            again.remove(pod.getId());
        }
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    /**
     * A reboot: the daemon and the infra process die, the state dir (a tmpfs) is empty afterwards,
     * the bridge with its veths and the iptables rules are gone; the root and host-local's
     * reservations on disk survive. The pod comes back NOTREADY, and Stop and Remove still release
     * its IP (CNI DEL without a netns), leaving nothing.
     */
    @Test
    void reboot_stateDirGone_podNotReadyAndRemoveReleasesEverything() throws Exception {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = PodConfigs.withNamespaces(node.pod("rebooted"), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(80).setHostPort(23082))
                .build();
        PodInfo pod = pods.info(pods.run(config));
        assertThat(node.network().reservations()).hasSize(1);

        node.kill();
        ProcessHandle.of(pod.infraPid()).ifPresent(ProcessHandle::destroyForcibly);
        node.wipeState();
        HostCommands.run("ip", "link", "del", node.network().bridge());
        node.network().dropIptablesRules();
        PodCalls again = new PodCalls(node.restartStopped());

        assertThat(again.status(pod.id()).getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        again.stop(pod.id());
        again.remove(pod.id());
        assertThat(again.list()).isEmpty();
        assertThat(Leftovers.of(pod, node)).isEmpty();
        assertThat(node.network().reservations()).as("host-local reservations after CNI DEL").isEmpty();
    }

    /** A pod with the kubelet's usual namespaces and so an infra process. */
    private PodInfo runWithInfra(PodCalls pods, String name) {
        return pods.info(pods.run(PodConfigs.withNamespaces(node.pod(name), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .build()));
    }

    /** {@code call} reaches the armed {@code failpoint}: the call fails and the daemon exits, saying where. */
    private void haltsAt(String failpoint, ThrowingCallable call) {
        assertThatThrownBy(call).as("the daemon halts at " + failpoint).isInstanceOf(StatusRuntimeException.class);
        node.daemon().awaitExit(Duration.ofSeconds(30));
        assertThat(node.output()).contains("failpoint " + failpoint + " reached");
    }
}
