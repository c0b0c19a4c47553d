package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.TestNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Containers of one pod share its network namespace (localhost), and its PID namespace when the pod asks for one. */
class ContainerNetworkIT {

    @RegisterExtension
    final TestNode node = TestNode.containers();

    @Test
    void twoContainers_samePod_talkOverLocalhost() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("localhost").build();
        String podId = node.runPod(pod);
        String server = calls.run(podId, ContainerConfigs.shell(pod, "server", node.image(),
                "mkdir -p /tmp/www && echo served-over-localhost > /tmp/www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /tmp/www")
                .build(), pod);
        calls.awaitState(server, ContainerState.CONTAINER_RUNNING);

        // the server may not listen yet: the client retries, bounded so a broken network still ends the test
        String client = calls.run(podId, ContainerConfigs.shell(pod, "client", node.image(),
                "for i in $(seq 100); do wget -q -O - http://127.0.0.1:8080/index.html && exit 0; sleep 0.2; done; exit 1")
                .build(), pod);
        ContainerStatus exited = calls.awaitExit(client);

        CriLog log = CriLog.read(Path.of(exited.getLogPath()));
        assertThat(exited.getExitCode()).as("client log: %s", log.joined()).isZero();
        assertThat(log.texts("stdout")).contains("served-over-localhost");
    }

    @Test
    void twoContainers_otherPods_loopbackNotShared() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig serverPod = node.pod("lo-server").build();
        PodSandboxConfig clientPod = node.pod("lo-client").build();
        String serverPodId = node.runPod(serverPod);
        String clientPodId = node.runPod(clientPod);
        String server = calls.run(serverPodId, ContainerConfigs.shell(serverPod, "server", node.image(),
                "mkdir -p /tmp/www && echo x > /tmp/www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /tmp/www").build(), serverPod);
        calls.awaitState(server, ContainerState.CONTAINER_RUNNING);
        // control for the test above: the same client in another pod must not reach it
        String client = calls.run(clientPodId, ContainerConfigs.shell(clientPod, "client", node.image(),
                "for i in $(seq 10); do wget -q -O - http://127.0.0.1:8080/index.html && exit 0; sleep 0.2; done; exit 1").build(),
                clientPod);

        assertThat(calls.awaitExit(client).getExitCode()).isEqualTo(1);
    }

    @Test
    void podPidNamespace_psSeesOtherContainersProcess() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = PodConfigs.withNamespaces(node.pod("shared-pid"), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .build();
        String podId = node.runPod(pod);
        String sleeper = calls.run(podId, ContainerConfigs.named(pod, "sleeper", node.image(), "sleep", "1234").build(), pod);
        calls.awaitState(sleeper, ContainerState.CONTAINER_RUNNING);

        String ps = calls.run(podId, ContainerConfigs.named(pod, "ps", node.image(), "ps", "-o", "pid,args").build(), pod);
        ContainerStatus exited = calls.awaitExit(ps);

        CriLog log = CriLog.read(Path.of(exited.getLogPath()));
        assertThat(log.texts("stdout")).as("ps output").anyMatch(line -> line.contains("sleep 1234"));
    }

    @Test
    void containerPidNamespace_psSeesOnlyItself() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("own-pid").build();
        String podId = node.runPod(pod);
        String sleeper = calls.run(podId, ContainerConfigs.named(pod, "sleeper", node.image(), "sleep", "1234").build(), pod);
        calls.awaitState(sleeper, ContainerState.CONTAINER_RUNNING);

        String ps = calls.run(podId, ContainerConfigs.named(pod, "ps", node.image(), "ps", "-o", "pid,args").build(), pod);
        ContainerStatus exited = calls.awaitExit(ps);

        CriLog log = CriLog.read(Path.of(exited.getLogPath()));
        assertThat(log.texts("stdout")).as("ps output").anyMatch(line -> line.contains("ps -o pid,args"))
                .noneMatch(line -> line.contains("sleep 1234"));
    }

    @Test
    void targetPidNamespace_debugContainerSeesItsTargetAsPid1() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("debug-target").build();
        String podId = node.runPod(pod);
        String sleeper = calls.run(podId, ContainerConfigs.named(pod, "sleeper", node.image(), "sleep", "1234").build(), pod);
        calls.awaitState(sleeper, ContainerState.CONTAINER_RUNNING);
        var debug = ContainerConfigs.named(pod, "debugger", node.image(), "ps", "-o", "pid,args");
        debug.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder()
                .setPid(NamespaceMode.TARGET).setTargetId(sleeper);

        String ps = calls.run(podId, debug.build(), pod);
        ContainerStatus exited = calls.awaitExit(ps);

        CriLog log = CriLog.read(Path.of(exited.getLogPath()));
        assertThat(log.texts("stdout")).as("ps output").anyMatch(line -> line.strip().matches("1 +sleep 1234"));
    }
}
