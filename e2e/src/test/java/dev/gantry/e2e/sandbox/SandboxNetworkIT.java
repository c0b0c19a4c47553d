package dev.gantry.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.DNSConfig;
import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.cri.v1.PortMapping;
import dev.gantry.cri.v1.Protocol;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a pod sees of its network and identity: IPs, pod-to-pod traffic, host ports, hostname, files, sysctls, host network. */
class SandboxNetworkIT {

    private static final String UNPRIVILEGED_PORT_START = "net.ipv4.ip_unprivileged_port_start";

    @RegisterExtension
    final TestNode node = TestNode.sandbox();

    @Test
    void twoPods_sameBridge_pingEachOther() {
        PodCalls pods = new PodCalls(node.start());
        PodInfo a = pods.info(pods.run(node.pod("ping-a").build()));
        PodInfo b = pods.info(pods.run(node.pod("ping-b").build()));

        assertThat(a.ipv4()).startsWith(node.network().v4Prefix()).isNotEqualTo(b.ipv4());
        assertThat(b.ipv4()).startsWith(node.network().v4Prefix());
        assertThat(node.network().bridgePorts()).hasSize(2);
        HostCommands.Outcome aToB = Nsenter.in("net", a.netnsPath(), "busybox", "ping", "-c1", "-W2", b.ipv4());
        HostCommands.Outcome bToA = Nsenter.in("net", b.netnsPath(), "busybox", "ping", "-c1", "-W2", a.ipv4());

        assertThat(aToB.ok()).as("ping a -> b: %s %s", aToB.stdout(), aToB.stderr()).isTrue();
        assertThat(bToA.ok()).as("ping b -> a: %s %s", bToA.stdout(), bToA.stderr()).isTrue();
        HostCommands.Outcome lo = Nsenter.in("net", a.netnsPath(), "ip", "-o", "link", "show", "lo");
        assertThat(lo.stdout()).as("lo in the pod").contains("UP");
    }

    @Test
    void portMapping_hostLoopback_reachesListenerInPod() throws Exception {
        PodCalls pods = new PodCalls(node.start());
        int hostPort = freePort();
        PodSandboxConfig config = node.pod("ports")
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(8080).setHostPort(hostPort))
                .build();
        PodInfo pod = pods.info(pods.run(config));
        Path reply = Files.createTempFile("gantry-e2e-reply-", ".txt");
        Files.writeString(reply, "hello from the pod\n");
        Process listener = new ProcessBuilder("nsenter", "--net=" + pod.netnsPath(), "busybox", "nc", "-l", "-p", "8080")
                .redirectInput(reply.toFile()).redirectErrorStream(true).start();
        try {
            assertThat(readFrom("127.0.0.1", hostPort)).isEqualTo("hello from the pod\n");
        } finally {
            listener.destroyForcibly().waitFor();
            Files.deleteIfExists(reply);
        }
    }

    @Test
    void hostname_podUtsNamespace_isTheConfiguredOne() {
        PodCalls pods = new PodCalls(node.start());
        PodInfo pod = pods.info(pods.run(node.pod("named").setHostname("web-0").build()));

        HostCommands.Outcome hostname = Nsenter.in("uts", pod.utsnsPath(), "hostname");

        assertThat(hostname.stdout().strip()).isEqualTo("web-0");
        assertThat(HostCommands.run("hostname").strip()).as("the node's hostname").isNotEqualTo("web-0");
    }

    @Test
    void podFiles_dnsConfigAndIp_renderedIntoResolvConfHostsAndHostname() throws IOException {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("files").setHostname("files-0")
                .setDnsConfig(DNSConfig.newBuilder().addServers("192.0.2.53").addServers("192.0.2.54")
                        .addSearches("svc.e2e.local").addSearches("e2e.local").addOptions("ndots:5").addOptions("timeout:2"))
                .build();
        PodInfo pod = pods.info(pods.run(config));
        Path dir = Path.of(pod.podDirectory());

        List<String> resolv = Files.readAllLines(dir.resolve("resolv.conf"));
        assertThat(resolv).contains("nameserver 192.0.2.53", "nameserver 192.0.2.54", "search svc.e2e.local e2e.local");
        assertThat(resolv).anySatisfy(line -> assertThat(line).startsWith("options").contains("ndots:5", "timeout:2"));
        List<List<String>> hosts = Files.readAllLines(dir.resolve("hosts")).stream()
                .map(line -> Arrays.asList(line.strip().split("\\s+"))).toList();
        assertThat(hosts).anySatisfy(fields -> assertThat(fields).startsWith("127.0.0.1").contains("localhost"));
        assertThat(hosts).anySatisfy(fields -> assertThat(fields).startsWith(pod.ipv4()).contains("files-0"));
        assertThat(Files.readString(dir.resolve("hostname")).strip()).isEqualTo("files-0");
    }

    @Test
    void sysctl_namespaced_setInsidePodOnly() throws IOException {
        PodCalls pods = new PodCalls(node.start());
        Path hostSetting = Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start");
        String before = Files.readString(hostSetting).strip();
        String wanted = before.equals("80") ? "81" : "80";
        PodSandboxConfig.Builder config = node.pod("sysctl");
        config.getLinuxBuilder().putSysctls(UNPRIVILEGED_PORT_START, wanted);
        PodInfo pod = pods.info(pods.run(config.build()));

        HostCommands.Outcome inside = Nsenter.in("net", pod.netnsPath(), "cat", hostSetting.toString());

        assertThat(inside.stdout().strip()).isEqualTo(wanted);
        assertThat(Files.readString(hostSetting).strip()).as("the node's own value").isEqualTo(before);
    }

    @Test
    void infra_podPidNamespace_pid1InThePodsNamespaces() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = PodConfigs.withNamespaces(node.pod("infra"), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .build();
        PodInfo pod = pods.info(pods.run(config));

        assertThat(pod.infraPid()).isPositive();
        assertThat(Leftovers.infra(pod.infraPid())).as("a catatonit process").isPresent();
        assertThat(Nsenter.ofProcess(pod.infraPid(), "net")).isEqualTo(Nsenter.identity("net", pod.netnsPath()));
        assertThat(Nsenter.ofProcess(pod.infraPid(), "ipc")).isEqualTo(Nsenter.identity("ipc", pod.ipcnsPath()));
        assertThat(Nsenter.ofProcess(pod.infraPid(), "uts")).isEqualTo(Nsenter.identity("uts", pod.utsnsPath()));
        assertThat(Nsenter.ofProcess(pod.infraPid(), "pid")).isNotEqualTo(Nsenter.ofSelf("pid"));
        assertThat(nsPid(pod.infraPid())).as("PID inside its own namespace").isEqualTo("1");
    }

    @Test
    void podPidContainer_noInfraProcess() {
        PodCalls pods = new PodCalls(node.start());
        PodInfo pod = pods.info(pods.run(node.pod("no-infra").build()));

        assertThat(pod.infraPid()).isZero();
    }

    @Test
    void hostNetwork_podPid_noNetnsNoIpAndInfraInTheNodesNetwork() {
        PodCalls pods = new PodCalls(node.start());
        List<String> portsBefore = node.network().bridgePorts();
        PodSandboxConfig config = PodConfigs.withNamespaces(node.pod("hostnet"), NamespaceMode.NODE, NamespaceMode.POD, NamespaceMode.POD)
                .clearHostname().build();

        String id = pods.run(config);

        assertThat(pods.status(id).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        PodInfo pod = pods.info(id);
        assertThat(pod.ips()).isEmpty();
        assertThat(pod.netnsPath()).isEmpty();
        assertThat(pod.cniResult()).as("no CNI result for host network").isNull();
        assertThat(node.network().bridgePorts()).isEqualTo(portsBefore);
        assertThat(node.network().reservations()).isEmpty();
        assertThat(pod.infraPid()).isPositive();
        assertThat(Nsenter.ofProcess(pod.infraPid(), "net")).isEqualTo(Nsenter.ofSelf("net"));
        assertThat(Nsenter.ofProcess(pod.infraPid(), "pid")).isNotEqualTo(Nsenter.ofSelf("pid"));
        assertThat(Nsenter.ofProcess(pod.infraPid(), "ipc")).isEqualTo(Nsenter.identity("ipc", pod.ipcnsPath()));
    }

    /** The PID a process has in its innermost PID namespace, from NSpid in /proc/PID/status. */
    private static String nsPid(long pid) {
        try {
            String line = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("NSpid:")).findFirst().orElseThrow();
            String[] fields = line.split("\\s+");
            return fields[fields.length - 1];
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Connects until the listener in the pod is up (10 s at most) and reads what it sends. */
    private static String readFrom(String host, int port) throws InterruptedException {
        Instant giveUp = Instant.now().plusSeconds(10);
        IOException last = null;
        while (Instant.now().isBefore(giveUp)) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 2000);
                socket.setSoTimeout(5000);
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[64];
                StringBuilder text = new StringBuilder();
                int n;
                while (text.indexOf("\n") < 0 && (n = in.read(buffer)) > 0) {
                    text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                }
                if (!text.isEmpty()) {
                    return text.toString();
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing came from " + host + ":" + port + " in 10 s", last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
