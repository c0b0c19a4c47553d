package dev.gantry.e2e.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gantry.e2e.client.ExecOptions;
import dev.gantry.e2e.client.RawConnection;
import dev.gantry.e2e.client.StreamProtocols;
import dev.gantry.e2e.client.StreamSession;
import dev.gantry.e2e.client.Transport;
import dev.gantry.e2e.client.UpgradeRefusedException;
import dev.gantry.e2e.harness.TestNode;
import java.net.URI;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The URL an Exec returns works once, and only for {@code [stream] token_ttl}: the kubelet's request cache. */
class StreamTokenIT {

    @RegisterExtension
    @Order(1)
    final TestNode env = TestNode.containers();

    @RegisterExtension
    @Order(2)
    final StreamingNode node = new StreamingNode(env);

    @Test
    void usedToken_isRefusedWith404_overSpdyAndWebSocket() throws Exception {
        String id = node.start().container("main", "sleep", "100000");
        ExecOptions options = ExecOptions.over(Transport.SPDY).withStdout();
        URI url = node.exec(id, options, "true");
        try (StreamSession session = node.streams().exec(url, options)) {
            session.awaitStatus(StreamingNode.STATUS_WAIT);
        }

        UpgradeRefusedException spdy = assertThrows(UpgradeRefusedException.class, () -> node.streams().exec(url, options));
        assertEquals(404, spdy.status());
        try (RawConnection raw = RawConnection.open(url)) {
            RawConnection.Head head = raw.send(RawConnection.webSocketUpgradeRequest(url, StreamProtocols.V5)).readHead();
            assertNotNull(head, "connection closed without an answer");
            assertEquals(404, head.status());
        }
    }

    @Test
    void unknownToken_isRefusedWith404() throws Exception {
        String id = node.start().container("main", "sleep", "100000");
        URI real = node.exec(id, ExecOptions.over(Transport.SPDY).withStdout(), "true");
        URI forged = real.resolve("/exec/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");

        UpgradeRefusedException e = assertThrows(UpgradeRefusedException.class,
                () -> node.streams().exec(forged, ExecOptions.over(Transport.SPDY).withStdout()));
        assertEquals(404, e.status());
    }

    @Test
    void expiredToken_isRefusedWith404_andAFreshOneWorks() throws Exception {
        node.config("[stream]\ntoken_ttl = \"2s\"");
        String id = node.start().container("main", "sleep", "100000");
        ExecOptions options = ExecOptions.over(Transport.SPDY).withStdout();
        URI url = node.exec(id, options, "true");

        Thread.sleep(3_000); // the TTL is the daemon's clock; nothing to do but let it pass

        UpgradeRefusedException e = assertThrows(UpgradeRefusedException.class, () -> node.streams().exec(url, options));
        assertEquals(404, e.status());
        node.assertExecWorks(id);
    }
}
