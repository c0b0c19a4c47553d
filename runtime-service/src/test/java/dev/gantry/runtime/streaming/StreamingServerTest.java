package dev.gantry.runtime.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real server over loopback with fake backends, spoken to over SPDY and WebSocket. */
class StreamingServerTest {

    private final FakeBackends backends = new FakeBackends();
    private StreamingServer server;
    private ServerSocketChannel echo;
    private Thread echoAcceptor;

    @BeforeEach
    void start() throws IOException {
        StreamingConfig config = new StreamingConfig("127.0.0.1", 0, java.util.Optional.empty(), java.util.Optional.empty(),
                Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(30));
        server = StreamingServer.start(config, backends);
        echo = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        echoAcceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    SocketChannel c = echo.accept();
                    Thread.ofVirtual().start(() -> echoUpper(c));
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    /** Echoes what it reads in upper case, until the peer ends its side. */
    private static void echoUpper(SocketChannel c) {
        try (c) {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            while (c.read(buf) >= 0) {
                buf.flip();
                for (int i = buf.position(); i < buf.limit(); i++) {
                    buf.put(i, (byte) Character.toUpperCase(buf.get(i)));
                }
                while (buf.hasRemaining()) {
                    c.write(buf);
                }
                buf.clear();
            }
        } catch (IOException e) {
            // the peer went away
        }
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        echo.close();
    }

    private String path(StreamRequest r) {
        String url = server.urlFor(r);
        return url.substring(url.indexOf('/', "http://".length()));
    }

    private static Map<String, String> stream(String type) {
        return Map.of("streamtype", type);
    }

    private static StreamRequest.Exec exec(String container, List<String> command, boolean stdin) {
        return new StreamRequest.Exec(container, command, false, stdin, true, true);
    }

    @Test
    void urlFor_pointsAtTheKindsPath() {
        assertThat(server.urlFor(exec("c", List.of("true"), false))).matches("http://127\\.0\\.0\\.1:\\d+/exec/[A-Za-z0-9_-]{22,}");
        assertThat(server.urlFor(new StreamRequest.PortForward("p", List.of()))).contains("/portforward/");
    }

    @Test
    void spdyExec_v4_echoesStdinAndReportsSuccess() throws Exception {
        try (TestConnection c = new TestConnection(server.port())) {
            TestConnection.Response r = c.spdyUpgrade(path(exec("c1", List.of("cat"), true)), "v4.channel.k8s.io", "v3.channel.k8s.io");
            assertThat(r.status()).isEqualTo(101);
            assertThat(r.header("X-Stream-Protocol-Version")).isEqualTo("v4.channel.k8s.io");
            assertThat(r.header("Upgrade")).isEqualTo("SPDY/3.1");
            try (SpdyTestSession s = new SpdyTestSession(SpdyTestSession.raw(c))) {
                int error = s.open(stream("error"));
                int stdin = s.open(stream("stdin"));
                int stdout = s.open(stream("stdout"));
                int stderr = s.open(stream("stderr"));
                s.until(x -> x.replies.size() == 4);
                s.data(stdin, "hello\n", true);
                s.until(x -> x.fins.containsAll(List.of(stdout, stderr, error)) && x.goAway != null);
                assertThat(s.text(stdout)).isEqualTo("hello\n");
                assertThat(s.text(stderr)).isEmpty();
                assertThat(s.text(error)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
                assertThat(s.goAway).isZero();
            }
        }
    }

    @Test
    void spdyExec_exit3_reportsNonZeroExitCodeV4AndTextV2() throws Exception {
        List<String> cmd = List.of("sh", "-c", "echo oops >&2; exit 3");
        try (TestConnection c = new TestConnection(server.port())) {
            assertThat(c.spdyUpgrade(path(exec("c1", cmd, false)), "v5.channel.k8s.io").status()).isEqualTo(101);
            try (SpdyTestSession s = new SpdyTestSession(SpdyTestSession.raw(c))) {
                int error = s.open(stream("error"));
                int stdout = s.open(stream("stdout"));
                int stderr = s.open(stream("stderr"));
                s.until(x -> x.fins.containsAll(List.of(stdout, stderr, error)));
                assertThat(s.text(stderr)).isEqualTo("oops\n");
                assertThat(s.text(error)).contains("\"reason\":\"NonZeroExitCode\"")
                        .contains("{\"reason\":\"ExitCode\",\"message\":\"3\"}")
                        .contains("command terminated with non-zero exit code: command 'sh -c echo oops >&2; exit 3' exited with 3");
            }
        }
        try (TestConnection c = new TestConnection(server.port())) {
            assertThat(c.spdyUpgrade(path(exec("c1", cmd, false)), "v2.channel.k8s.io").status()).isEqualTo(101);
            try (SpdyTestSession s = new SpdyTestSession(SpdyTestSession.raw(c))) {
                int error = s.open(stream("error"));
                int stdout = s.open(stream("stdout"));
                int stderr = s.open(stream("stderr"));
                s.until(x -> x.fins.containsAll(List.of(stdout, stderr, error)));
                assertThat(s.text(error)).isEqualTo("command terminated with non-zero exit code: command 'sh -c echo oops >&2; exit 3' exited with 3");
            }
        }
    }

    @Test
    void spdyExec_unknownContainer_reportsOnErrorStream() throws Exception {
        try (TestConnection c = new TestConnection(server.port())) {
            assertThat(c.spdyUpgrade(path(exec("gone", List.of("true"), false)), "v4.channel.k8s.io").status()).isEqualTo(101);
            try (SpdyTestSession s = new SpdyTestSession(SpdyTestSession.raw(c))) {
                int error = s.open(stream("error"));
                s.open(stream("stdout"));
                s.open(stream("stderr"));
                s.until(x -> x.fins.contains(error));
                assertThat(s.text(error)).contains("\"reason\":\"InternalError\"")
                        .contains("error executing command in container: container \\\"gone\\\" not found");
            }
        }
    }

    @Test
    void spdyAttach_tty_deliversResizeAndEchoesStdin() throws Exception {
        StreamRequest attach = new StreamRequest.Attach("c1", true, true, true, false);
        try (TestConnection c = new TestConnection(server.port())) {
            assertThat(c.spdyUpgrade(path(attach), "v4.channel.k8s.io").status()).isEqualTo(101);
            try (SpdyTestSession s = new SpdyTestSession(SpdyTestSession.raw(c))) {
                int error = s.open(stream("error"));
                int stdin = s.open(stream("stdin"));
                int stdout = s.open(stream("stdout"));
                int resize = s.open(stream("resize"));
                s.until(x -> x.replies.size() == 4);
                s.data(resize, "{\"Width\":80,\"Height\":24}", false);
                assertThat(backends.resizes.poll(30, TimeUnit.SECONDS)).isEqualTo("80x24");
                s.until(x -> x.text(stdout).contains("[resize 80x24]"));
                s.data(stdin, "typed", true);
                s.until(x -> x.fins.containsAll(List.of(stdout, error)));
                assertThat(s.text(stdout)).isEqualTo("[resize 80x24]typed");
                assertThat(s.text(error)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
            }
        }
    }

    @Test
    void spdyPortForward_bytesBothWays_refusedPortReported_sessionGoesOn() throws Exception {
        int port = ((InetSocketAddress) echo.getLocalAddress()).getPort();
        int closedPort;
        try (ServerSocketChannel tmp = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            closedPort = ((InetSocketAddress) tmp.getLocalAddress()).getPort();
        }
        try (TestConnection c = new TestConnection(server.port())) {
            assertThat(c.spdyUpgrade(path(new StreamRequest.PortForward("pod1", List.of(port))), "portforward.k8s.io").status())
                    .isEqualTo(101);
            try (SpdyTestSession s = new SpdyTestSession(SpdyTestSession.raw(c))) {
                int badError = s.open(Map.of("streamtype", "error", "port", Integer.toString(closedPort), "requestid", "0"));
                int badData = s.open(Map.of("streamtype", "data", "port", Integer.toString(closedPort), "requestid", "0"));
                s.until(x -> x.fins.contains(badError) && x.fins.contains(badData));
                assertThat(s.text(badError)).startsWith("error forwarding port " + closedPort + " to pod pod1, uid : ");

                int error = s.open(Map.of("streamtype", "error", "port", Integer.toString(port), "requestid", "1"));
                int data = s.open(Map.of("streamtype", "data", "port", Integer.toString(port), "requestid", "1"));
                s.until(x -> x.replies.containsAll(List.of(error, data)));
                s.data(data, "ping over spdy", true);
                s.until(x -> x.fins.containsAll(List.of(data, error)));
                assertThat(s.text(data)).isEqualTo("PING OVER SPDY");
                assertThat(s.text(error)).isEmpty();

                int refused = s.open(Map.of("streamtype", "data", "port", "0", "requestid", "2"));
                s.until(x -> x.resets.containsKey(refused));
            }
        }
    }

    @Test
    void spdyPortForward_tunnelledInWebSocket() throws Exception {
        int port = ((InetSocketAddress) echo.getLocalAddress()).getPort();
        try (TestConnection c = new TestConnection(server.port())) {
            TestConnection.Response r = c.wsUpgrade(path(new StreamRequest.PortForward("pod1", List.of())), "SPDY/3.1+portforward.k8s.io");
            assertThat(r.status()).isEqualTo(101);
            assertThat(r.header("Sec-WebSocket-Protocol")).isEqualTo("SPDY/3.1+portforward.k8s.io");
            try (SpdyTestSession s = new SpdyTestSession(SpdyTestSession.tunnel(c))) {
                int error = s.open(Map.of("streamtype", "error", "port", Integer.toString(port), "requestid", "7"));
                int data = s.open(Map.of("streamtype", "data", "port", Integer.toString(port), "requestid", "7"));
                s.until(x -> x.replies.containsAll(List.of(error, data)));
                s.data(data, "tunnelled", true);
                s.until(x -> x.fins.containsAll(List.of(data, error)));
                assertThat(s.text(data)).isEqualTo("TUNNELLED");
            }
        }
    }

    @Test
    void spdyUpgrade_noCommonProtocol_is403WithAcceptedVersions() throws Exception {
        try (TestConnection c = new TestConnection(server.port())) {
            TestConnection.Response r = c.spdyUpgrade(path(exec("c1", List.of("true"), false)), "v9.channel.k8s.io");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.headers().get("x-accepted-stream-protocol-versions")).contains("v5.channel.k8s.io", "channel.k8s.io");
            assertThat(r.body()).startsWith("unable to upgrade: unable to negotiate protocol: client supports [v9.channel.k8s.io], server accepts [v5.channel.k8s.io");
        }
        try (TestConnection c = new TestConnection(server.port())) {
            TestConnection.Response r = c.spdyUpgrade(path(exec("c1", List.of("true"), false)));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.body()).contains("X-Stream-Protocol-Version");
        }
    }

    @Test
    void token_usedOrWrongKindOrUnknown_is404() throws Exception {
        String used = path(exec("c1", List.of("true"), false));
        try (TestConnection c = new TestConnection(server.port())) {
            c.spdyUpgrade(used, "v9"); // consumes it, even though the upgrade fails
        }
        try (TestConnection c = new TestConnection(server.port())) {
            TestConnection.Response r = c.spdyUpgrade(used, "v4.channel.k8s.io");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).contains("unknown, already used or expired");
        }
        String execToken = path(exec("c1", List.of("true"), false)).substring("/exec/".length());
        try (TestConnection c = new TestConnection(server.port())) {
            TestConnection.Response r = c.spdyUpgrade("/attach/" + execToken, "v4.channel.k8s.io");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).contains("the token is for /exec/, not /attach/");
        }
        try (TestConnection c = new TestConnection(server.port())) {
            assertThat(c.spdyUpgrade("/nothing/here", "v4.channel.k8s.io").status()).isEqualTo(404);
        }
    }

    @Test
    void spdyGarbage_closesOnlyThatConnection() throws Exception {
        try (TestConnection c = new TestConnection(server.port())) {
            assertThat(c.spdyUpgrade(path(exec("c1", List.of("cat"), true)), "v4.channel.k8s.io").status()).isEqualTo(101);
            // A control frame of SPDY version 2 followed by junk: not SPDY/3.1.
            c.out.write(new byte[] {(byte) 0x80, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 1, 2, 3, 4});
            c.out.flush();
            try (SpdyTestSession s = new SpdyTestSession(SpdyTestSession.raw(c))) {
                s.until(x -> x.goAway != null);
                assertThat(s.goAway).isEqualTo(1); // PROTOCOL_ERROR
                s.until(x -> x.eof);
            }
        }
        spdyExec_v4_echoesStdinAndReportsSuccess();
    }

    @Test
    void spdyDuplicateStream_closesTheConnection() throws Exception {
        try (TestConnection c = new TestConnection(server.port())) {
            assertThat(c.spdyUpgrade(path(exec("c1", List.of("cat"), true)), "v4.channel.k8s.io").status()).isEqualTo(101);
            try (SpdyTestSession s = new SpdyTestSession(SpdyTestSession.raw(c))) {
                s.open(stream("stdout"));
                s.open(stream("stdout"));
                s.until(x -> x.goAway != null);
                assertThat(s.goAway).isEqualTo(1);
            }
        }
    }

    @Test
    void clientGoneMidStream_closesTheProcessSession() throws Exception {
        try (TestConnection c = new TestConnection(server.port())) {
            assertThat(c.spdyUpgrade(path(exec("c1", List.of("cat"), true)), "v4.channel.k8s.io").status()).isEqualTo(101);
            SpdyTestSession s = new SpdyTestSession(SpdyTestSession.raw(c));
            s.open(stream("error"));
            int stdin = s.open(stream("stdin"));
            int stdout = s.open(stream("stdout"));
            s.open(stream("stderr"));
            s.data(stdin, "partial", false);
            s.until(x -> x.text(stdout).equals("partial"));
            s.close();
        }
        assertThat(backends.closed.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void webSocketExec_v5_channelsInitialMessageCloseSignalAndStatus() throws Exception {
        try (TestConnection c = new TestConnection(server.port())) {
            TestConnection.Response r = c.wsUpgrade(path(exec("c1", List.of("cat"), true)), "v5.channel.k8s.io", "v4.channel.k8s.io");
            assertThat(r.status()).isEqualTo(101);
            assertThat(r.header("Sec-WebSocket-Protocol")).isEqualTo("v5.channel.k8s.io");
            TestConnection.WsFrame first = c.wsRead();
            assertThat(first.opcode()).isEqualTo(2);
            assertThat(first.payload()).containsExactly(1);
            byte[] hi = "hi\n".getBytes(StandardCharsets.UTF_8);
            byte[] msg = new byte[hi.length + 1];
            System.arraycopy(hi, 0, msg, 1, hi.length);
            c.wsBinary(msg);
            c.wsBinary((byte) 255, (byte) 0);
            StringBuilder stdout = new StringBuilder();
            String error = null;
            TestConnection.WsFrame f;
            while ((f = c.wsRead()) != null && f.opcode() != 8) {
                String body = new String(f.payload(), 1, f.payload().length - 1, StandardCharsets.UTF_8);
                switch (f.payload()[0]) {
                    case 1 -> stdout.append(body);
                    case 3 -> error = body;
                    default -> { }
                }
            }
            assertThat(stdout).hasToString("hi\n");
            assertThat(error).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
            assertThat(f).isNotNull();
            assertThat(((f.payload()[0] & 0xff) << 8) | (f.payload()[1] & 0xff)).isEqualTo(1000);
        }
    }

    @Test
    void webSocketUpgrade_unknownSubprotocol_is403() throws Exception {
        try (TestConnection c = new TestConnection(server.port())) {
            TestConnection.Response r = c.wsUpgrade(path(exec("c1", List.of("true"), false)), "v9.channel.k8s.io");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.body()).contains("requested protocol(s) are not supported: [v9.channel.k8s.io]");
        }
    }

    @Test
    void webSocketPortForward_v4_portPrefixAndEcho() throws Exception {
        int port = ((InetSocketAddress) echo.getLocalAddress()).getPort();
        try (TestConnection c = new TestConnection(server.port())) {
            TestConnection.Response r = c.wsUpgrade(path(new StreamRequest.PortForward("pod1", List.of())) + "?port=" + port,
                    "v4.channel.k8s.io");
            assertThat(r.status()).isEqualTo(101);
            byte[] le = {(byte) port, (byte) (port >> 8)};
            assertThat(c.wsRead().payload()).containsExactly(0, le[0], le[1]);
            assertThat(c.wsRead().payload()).containsExactly(1, le[0], le[1]);
            c.wsBinary((byte) 0, (byte) 'a', (byte) 'b');
            TestConnection.WsFrame back = c.wsRead();
            assertThat(back.payload()).containsExactly(0, 'A', 'B');
        }
    }

    @Test
    void webSocketFrameAnnouncing100MiB_isClosedWith1009_serverServesOthers() throws Exception {
        try (TestConnection c = new TestConnection(server.port())) {
            assertThat(c.wsUpgrade(path(exec("c1", List.of("cat"), true)), "v5.channel.k8s.io").status()).isEqualTo(101);
            c.wsRead(); // the initial empty message
            long len = 100L * 1024 * 1024;
            byte[] header = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0, (byte) (len >> 24), (byte) (len >> 16), (byte) (len >> 8), (byte) len,
                    1, 2, 3, 4};
            c.out.write(header);
            c.out.flush();
            TestConnection.WsFrame f;
            do {
                f = c.wsRead();
            } while (f != null && f.opcode() != 8);
            assertThat(f).isNotNull();
            assertThat(((f.payload()[0] & 0xff) << 8) | (f.payload()[1] & 0xff)).isEqualTo(1009);
        }
        webSocketExec_v5_channelsInitialMessageCloseSignalAndStatus();
    }
}
