package dev.gantry.e2e.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gantry.e2e.client.ExecOptions;
import dev.gantry.e2e.client.RawConnection;
import dev.gantry.e2e.client.StreamProtocols;
import dev.gantry.e2e.client.Transport;
import dev.gantry.e2e.harness.TestNode;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a broken or hostile client sends the streaming server: each connection is closed, and the
 * next exec is served as if nothing happened.
 */
class StreamBadInputIT {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final byte[] JUNK = StreamingNode.randomBytes(4096, 99);

    @RegisterExtension
    @Order(1)
    final TestNode env = TestNode.containers();

    @RegisterExtension
    @Order(2)
    final StreamingNode node = new StreamingNode(env);

    private String id;

    private URI freshUrl() {
        return node.exec(id, ExecOptions.over(Transport.SPDY).withStdout(), "echo", "unused");
    }

    private void start() {
        id = node.start().container("main", "sleep", "100000");
    }

    @Test
    void malformedRequest_isAnsweredOrDropped_andTheConnectionCloses() throws Exception {
        start();
        URI url = freshUrl();
        try (RawConnection raw = RawConnection.open(url)) {
            raw.trySend(("GARBAGE " + url.getRawPath() + " HTTP/9.9\r\nUpgrade SPDY/3.1\r\n\u0000\u0001\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            RawConnection.Head head = raw.readHead();
            if (head != null) {
                assertEquals(400, head.status(), "a malformed request is a bad request: " + head);
            }
            assertTrue(raw.closedWithin(CLOSE_WAIT), "connection still open after a malformed request");
        }
        node.assertExecWorks(id);
    }

    @Test
    void upgradeWithoutConnectionHeader_isRefused() throws Exception {
        start();
        URI url = freshUrl();
        String request = RawConnection.upgradeRequest(url, StreamProtocols.V5).replace("Connection: Upgrade\r\n", "");
        try (RawConnection raw = RawConnection.open(url)) {
            RawConnection.Head head = raw.send(request).readHead();
            if (head != null) {
                assertTrue(head.status() >= 400 && head.status() < 500, "an upgrade without Connection: Upgrade got " + head);
            }
        }
        node.assertExecWorks(id);
    }

    @Test
    void unknownSubprotocol_isRefused_overSpdyAndWebSocket() throws Exception {
        start();
        URI spdyUrl = freshUrl();
        try (RawConnection raw = RawConnection.open(spdyUrl)) {
            RawConnection.Head head = raw.send(RawConnection.upgradeRequest(spdyUrl, "v99.channel.k8s.io")).readHead();
            assertNotNull(head, "closed without an answer");
            assertTrue(head.status() >= 400 && head.status() < 500, "SPDY upgrade offering only v99 got " + head);
        }
        URI wsUrl = freshUrl();
        try (RawConnection raw = RawConnection.open(wsUrl)) {
            RawConnection.Head head = raw.send(RawConnection.webSocketUpgradeRequest(wsUrl, "bogus.k8s.io")).readHead();
            assertNotNull(head, "closed without an answer");
            assertTrue(head.status() >= 400 && head.status() < 500, "WebSocket upgrade offering only bogus.k8s.io got " + head);
        }
        node.assertExecWorks(id);
    }

    @Test
    void garbageAfterSpdyUpgrade_closesTheConnection() throws Exception {
        start();
        URI url = freshUrl();
        try (RawConnection raw = upgradedSpdy(url)) {
            // a control frame of SPDY version 99, then noise: a protocol error at the first frame
            raw.trySend(new byte[] {(byte) 0x80, 0x63, 0x00, 0x01, 0x00, 0x00, 0x00, 0x08});
            raw.trySend(JUNK);
            assertTrue(raw.closedWithin(CLOSE_WAIT), "connection still open after garbage SPDY frames");
        }
        node.assertExecWorks(id);
    }

    @Test
    void garbageAfterWebSocketUpgrade_closesTheConnection() throws Exception {
        start();
        URI url = freshUrl();
        try (RawConnection raw = upgradedWebSocket(url)) {
            // reserved opcode 3, and unmasked: RFC 6455 §5.1 and §5.2 say close
            raw.trySend(new byte[] {(byte) 0x83, 0x05, 'h', 'e', 'l', 'l', 'o'});
            raw.trySend(JUNK);
            assertTrue(raw.closedWithin(CLOSE_WAIT), "connection still open after garbage WebSocket frames");
        }
        node.assertExecWorks(id);
    }

    @Test
    void webSocketFrameOf100MiB_closesTheConnectionWithoutWaitingForIt() throws Exception {
        start();
        URI url = freshUrl();
        try (RawConnection raw = upgradedWebSocket(url)) {
            ByteBuffer header = ByteBuffer.allocate(14)
                    .put((byte) 0x82).put((byte) (0x80 | 127)).putLong(100L * 1024 * 1024).put(new byte[] {1, 2, 3, 4});
            raw.trySend(header.array());
            raw.trySend(new byte[1024 * 1024]);
            assertTrue(raw.closedWithin(CLOSE_WAIT), "connection still open after a 100 MiB frame header");
        }
        node.assertExecWorks(id);
    }

    @Test
    void spdyControlFrameOfMaximalLength_closesTheConnection() throws Exception {
        start();
        URI url = freshUrl();
        try (RawConnection raw = upgradedSpdy(url)) {
            // SPDY lengths are 24 bits: a SYN_STREAM claiming 16 MiB of header block is as far as the format goes
            ByteBuffer frame = ByteBuffer.allocate(18)
                    .putShort((short) 0x8003).putShort((short) 1).put((byte) 0)
                    .put((byte) 0xff).put((byte) 0xff).put((byte) 0xff)
                    .putInt(1).putInt(0).putShort((short) 0);
            raw.trySend(frame.array());
            raw.trySend(new byte[1024 * 1024]);
            assertTrue(raw.closedWithin(CLOSE_WAIT), "connection still open after a 16 MiB SYN_STREAM");
        }
        node.assertExecWorks(id);
    }

    private static RawConnection upgradedSpdy(URI url) throws Exception {
        RawConnection raw = RawConnection.open(url);
        RawConnection.Head head = raw.send(RawConnection.upgradeRequest(url, StreamProtocols.V5, StreamProtocols.V4)).readHead();
        assertNotNull(head, "closed without an answer to a correct upgrade");
        assertEquals(101, head.status(), "a correct SPDY upgrade: " + head);
        return raw;
    }

    private static RawConnection upgradedWebSocket(URI url) throws Exception {
        RawConnection raw = RawConnection.open(url);
        RawConnection.Head head = raw.send(RawConnection.webSocketUpgradeRequest(url, StreamProtocols.V5)).readHead();
        assertNotNull(head, "closed without an answer to a correct upgrade");
        assertEquals(101, head.status(), "a correct WebSocket upgrade: " + head);
        return raw;
    }
}
