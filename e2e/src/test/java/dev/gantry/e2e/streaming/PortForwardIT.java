package dev.gantry.e2e.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.gantry.e2e.client.PortConnection;
import dev.gantry.e2e.client.PortForwardSession;
import dev.gantry.e2e.client.Transport;
import dev.gantry.e2e.harness.TestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PortForward to echo servers on the pod's loopback (busybox {@code nc -ll -p PORT -e cat}: one
 * {@code cat} per connection), as kubectl port-forward reaches them.
 */
class PortForwardIT {

    private static final int ECHO = 8080;
    private static final int ECHO2 = 8081;
    private static final int NOBODY = 9;
    private static final int TEN_MIB = 10 * 1024 * 1024;

    @RegisterExtension
    @Order(1)
    final TestNode env = TestNode.containers();

    @RegisterExtension
    @Order(2)
    final StreamingNode node = new StreamingNode(env);

    private void echoServers(int... ports) throws InterruptedException {
        node.start();
        for (int port : ports) {
            node.container("echo" + port, "nc", "-ll", "-p", Integer.toString(port), "-e", "cat");
        }
        for (int port : ports) {
            StreamingNode.awaitListening("nc -ll -p " + port + " -e cat", port);
        }
    }

    private PortForwardSession forward(Transport transport, int... ports) throws IOException {
        URI url = env.client().portForward(node.podId(), java.util.Arrays.stream(ports).boxed().toList());
        return node.streams().portForward(url, transport, ports);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void portForward_echoes10MiBEachWay_byteForByte(Transport transport) throws Exception {
        echoServers(ECHO);
        try (PortForwardSession session = forward(transport, ECHO)) {
            PortConnection connection = session.open(ECHO);
            echo(connection, StreamingNode.randomBytes(TEN_MIB, 10));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void portForward_twoPortsAtOnce_keepTheirBytesApart(Transport transport) throws Exception {
        echoServers(ECHO, ECHO2);
        try (PortForwardSession session = forward(transport, ECHO, ECHO2)) {
            PortConnection first = session.open(ECHO);
            PortConnection second = session.open(ECHO2);
            CompletableFuture<Void> a = CompletableFuture.runAsync(() -> echo(first, StreamingNode.randomBytes(1024 * 1024, 1)), StreamingNode.THREADS);
            CompletableFuture<Void> b = CompletableFuture.runAsync(() -> echo(second, StreamingNode.randomBytes(1024 * 1024, 2)), StreamingNode.THREADS);
            a.get();
            b.get();
            if (transport == Transport.SPDY) {
                // SPDY names ports per connection: more connections on the same session
                echo(session.open(ECHO), StreamingNode.randomBytes(64 * 1024, 3));
                echo(session.open(ECHO2), StreamingNode.randomBytes(64 * 1024, 4));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void portForward_toAPortNobodyListensOn_reportsAnError_andTheSessionGoesOn(Transport transport) throws Exception {
        echoServers(ECHO);
        try (PortForwardSession session = forward(transport, NOBODY, ECHO)) {
            PortConnection refused = session.open(NOBODY);
            String error = refused.errorText(Duration.ofSeconds(15));
            assertFalse(error.isBlank(), "no error for a connection to port " + NOBODY + " where nothing listens");

            echo(session.open(ECHO), StreamingNode.randomBytes(256 * 1024, 5));
        }
    }

    /** Writes {@code data} while reading as many bytes back, and compares. */
    private static void echo(PortConnection connection, byte[] data) {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                connection.output().write(data);
                connection.output().flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, StreamingNode.THREADS);
        try {
            byte[] back = StreamingNode.readExactly(connection.input(), data.length);
            writer.get();
            assertArrayEquals(data, back, "echoed bytes differ");
        } catch (Exception e) {
            throw new AssertionError("echo of " + data.length + " bytes through port " + connection.port() + ": " + e, e);
        }
    }
}
