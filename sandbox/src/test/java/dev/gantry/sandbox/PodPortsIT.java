package dev.gantry.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.id.Ids;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.NamespaceType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Root: a network namespace made with {@code ip netns add}, an echo server listening on its loopback only. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PodPortsIT {

    private final NamespaceRunner runner = new NamespaceRunner();
    private final List<AutoCloseable> cleanup = new ArrayList<>();
    private String netnsName;
    private Path netns;
    private PodSandbox pod;
    private PodPorts ports;

    @BeforeEach
    void setUp() throws Exception {
        netnsName = "gantry-pf-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        run("ip", "netns", "add", netnsName);
        cleanup.add(() -> run("ip", "netns", "delete", netnsName));
        run("ip", "-n", netnsName, "link", "set", "lo", "up");
        netns = Path.of("/run/netns", netnsName);
        pod = pod(Ids.random(), PodNetwork.namespace(netns.toString()), new SandboxState.Ready());
        ports = new PodPorts(this::lookup, runner);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup.reversed()) {
            c.close();
        }
    }

    @Test
    void connect_listenerInPodNetns_bytesBothWays() throws Exception {
        int port = echoServerIn(netns);

        try (SocketChannel channel = ports.connect(pod.id().substring(0, 10), port)) {
            assertThat(channel.isBlocking()).isTrue();
            assertThat(roundTrip(channel, "ping")).isEqualTo("echo:ping");
        }
    }

    @Test
    void connect_portOnlyOnTheNode_refusedInThePodNamingPodAndPort() throws Exception {
        // Listening on the node's loopback proves nothing reaches the pod's: it must be refused there.
        try (ServerSocketChannel node = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            node.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = ((InetSocketAddress) node.getLocalAddress()).getPort();

            assertThatThrownBy(() -> ports.connect(pod.id(), port)).isInstanceOf(IOException.class)
                    .isNotInstanceOf(GantryException.class)
                    .hasMessageContaining(pod.id()).hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("refused");
        }
    }

    @Test
    void connect_manyAtOnce_allConnectedEachGetsItsOwnReply() throws Exception {
        int port = echoServerIn(netns);
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String message = "client-" + i;
                replies.add(clients.submit(() -> {
                    try (SocketChannel channel = ports.connect(pod.id(), port)) {
                        return roundTrip(channel, message);
                    }
                }));
            }
            for (int i = 0; i < replies.size(); i++) {
                assertThat(replies.get(i).get()).isEqualTo("echo:client-" + i);
            }
        }
    }

    @Test
    void connect_hostNetworkPod_reachesTheNodesLoopback() throws Exception {
        pod = pod(Ids.random(), PodNetwork.host(), new SandboxState.Ready());
        int port = echoServerIn(null);

        try (SocketChannel channel = ports.connect(pod.id(), port)) {
            assertThat(roundTrip(channel, "host")).isEqualTo("echo:host");
        }
    }

    @Test
    void connect_unknownPod_notFound() {
        assertThatThrownBy(() -> ports.connect("f".repeat(64), 80)).isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void connect_podNotReady_failedPrecondition() {
        pod = pod.withState(new SandboxState.NotReady("stopped"));
        assertThatThrownBy(() -> ports.connect(pod.id(), 80)).isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION))
                .hasMessageContaining(pod.id());
    }

    @Test
    void connect_portOutOfRange_invalidArgument() {
        for (int port : new int[] {0, -1, 65536}) {
            assertThatThrownBy(() -> ports.connect(pod.id(), port)).isInstanceOf(GantryException.class)
                    .satisfies(e -> assertThat(((GantryException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        }
    }

    private PodSandbox lookup(String idOrPrefix) {
        if (!pod.id().startsWith(idOrPrefix)) {
            throw new GantryException(ErrorKind.NOT_FOUND, "pod sandbox " + idOrPrefix + " not found");
        }
        return pod;
    }

    /**
     * An echo server bound to 127.0.0.1 in {@code ns} (the node's when null), answering each line
     * with "echo:" and the line, closed after the test; returns its port.
     */
    private int echoServerIn(Path ns) throws Exception {
        ServerSocketChannel server = ns == null
                ? ServerSocketChannel.open(StandardProtocolFamily.INET)
                : runner.runIn(ns, NamespaceType.NET, () -> ServerSocketChannel.open(StandardProtocolFamily.INET));
        cleanup.add(server);
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 64);
        Thread.ofVirtual().start(() -> {
            while (server.isOpen()) {
                try {
                    SocketChannel client = server.accept();
                    Thread.ofVirtual().start(() -> echo(client));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    private static void echo(SocketChannel client) {
        try (client) {
            ByteBuffer in = ByteBuffer.allocate(256);
            while (in.position() == 0 || in.get(in.position() - 1) != '\n') {
                if (client.read(in) < 0) {
                    return;
                }
            }
            in.flip();
            ByteBuffer out = ByteBuffer.allocate(in.remaining() + 5).put("echo:".getBytes(StandardCharsets.US_ASCII)).put(in).flip();
            while (out.hasRemaining()) {
                client.write(out);
            }
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static String roundTrip(SocketChannel channel, String message) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        ByteBuffer in = ByteBuffer.allocate(256);
        while (channel.read(in) >= 0) {
            // until the server closes
        }
        return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).strip();
    }

    private static PodSandbox pod(String id, PodNetwork network, SandboxState state) {
        return new PodSandbox(id, new SandboxMetadata("pf", "default", "uid-pf", 0), state, Instant.now(), Map.of(), Map.of(), "runc",
                "", "pf", network, new NamespaceOptions(NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD),
                new SandboxPaths("/nonexistent/" + id, Map.of(), ""), "", false, Optional.empty(), Map.of());
    }

    private static void run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", argv) + " failed: " + out);
        }
    }
}
