package dev.gantry.runtime.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * 256 MiB from a pod socket to the client through port-forward over SPDY: every byte arrives.
 * The rate is printed for the record, never asserted (the machine is shared).
 */
class PortForwardThroughputTest {

    private static final long SIZE = 256L * 1024 * 1024;

    @Test
    void download256MiB_allBytesArrive() throws Exception {
        StreamingConfig config = new StreamingConfig("127.0.0.1", 0, Optional.empty(), Optional.empty(),
                Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofSeconds(30));
        try (StreamingServer server = StreamingServer.start(config, new FakeBackends());
             ServerSocketChannel source = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Thread.ofVirtual().start(() -> {
                try (SocketChannel c = source.accept()) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
                    long left = SIZE;
                    while (left > 0) {
                        buf.clear().limit((int) Math.min(buf.capacity(), left));
                        left -= c.write(buf);
                    }
                } catch (IOException e) {
                    // the test fails on the byte count
                }
            });
            int port = ((InetSocketAddress) source.getLocalAddress()).getPort();
            String url = server.urlFor(new StreamRequest.PortForward("pod1", List.of(port)));
            try (TestConnection c = new TestConnection(server.port())) {
                assertThat(c.spdyUpgrade(url.substring(url.indexOf("/portforward/")), "portforward.k8s.io").status()).isEqualTo(101);
                SpdyTestSession s = new SpdyTestSession(SpdyTestSession.raw(c));
                s.keepData = false;
                long start = System.nanoTime();
                int error = s.open(Map.of("streamtype", "error", "port", Integer.toString(port), "requestid", "0"));
                int data = s.open(Map.of("streamtype", "data", "port", Integer.toString(port), "requestid", "0"));
                s.until(x -> x.fins.contains(data) && x.fins.contains(error));
                double seconds = (System.nanoTime() - start) / 1e9;
                assertThat(s.sizes.get(data)).isEqualTo(SIZE);
                System.out.printf("port-forward download: %d MiB in %.2f s = %.0f MiB/s%n", SIZE >> 20, seconds, (SIZE >> 20) / seconds);
                s.close();
            }
        }
    }
}
