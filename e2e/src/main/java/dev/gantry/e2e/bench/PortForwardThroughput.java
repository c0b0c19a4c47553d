package dev.gantry.e2e.bench;

import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.client.PortConnection;
import dev.gantry.e2e.client.PortForwardSession;
import dev.gantry.e2e.client.StreamClient;
import dev.gantry.e2e.client.Transport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * PortForward throughput, both ways, to endpoints that are never the bottleneck: a host-network
 * pod forwards to the node's loopback, where this JVM serves a source (writes N bytes, closes) and
 * a sink (reads to EOF, answers the count). Measured with the e2e client and, where a crictl binary
 * is found ({@code CRICTL}, or cri-tools beside the checkout), with crictl's port-forward, which is
 * client-go's SPDY client as kubectl uses it.
 */
final class PortForwardThroughput implements AutoCloseable {

    /** MiB/s one way; empty when that client was not available. */
    record Rates(double download, double upload) {}

    private static final Path CRI_TOOLS_CRICTL = Path.of("..", "shared", "tools", "cri-tools-1.36.0", "crictl");

    private final long bytes;
    private final ServerSocketChannel source;
    private final ServerSocketChannel sink;
    private final Thread sourceThread;
    private final Thread sinkThread;

    PortForwardThroughput(long bytes) throws IOException {
        this.bytes = bytes;
        this.source = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        this.sink = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        this.sourceThread = Thread.ofVirtual().start(this::serveSource);
        this.sinkThread = Thread.ofVirtual().start(this::serveSink);
    }

    /** Through the e2e client: one session per direction. */
    Rates withStreamClient(CriClient client, StreamClient streams, String hostNetworkPodId) throws Exception {
        int down = port(source);
        int up = port(sink);
        double downloadS;
        try (PortForwardSession session = streams.portForward(client.portForward(hostNetworkPodId, List.of(down)), Transport.SPDY, down)) {
            PortConnection c = session.open(down);
            long t0 = System.nanoTime();
            long got = drain(c.input());
            downloadS = (System.nanoTime() - t0) / 1e9;
            check(got, "download through the e2e client");
        }
        double uploadS;
        try (PortForwardSession session = streams.portForward(client.portForward(hostNetworkPodId, List.of(up)), Transport.SPDY, up)) {
            PortConnection c = session.open(up);
            long t0 = System.nanoTime();
            fill(c.output());
            c.output().close();
            String count = new String(c.input().readAllBytes(), StandardCharsets.US_ASCII).strip();
            uploadS = (System.nanoTime() - t0) / 1e9;
            check(Long.parseLong(count), "upload through the e2e client");
        }
        return new Rates(mib(downloadS), mib(uploadS));
    }

    /** Through {@code crictl port-forward}; empty when no crictl is found. */
    Optional<Rates> withCrictl(Path socket, String hostNetworkPodId) throws Exception {
        Path crictl = crictl();
        if (crictl == null) {
            return Optional.empty();
        }
        int localDown = freePort();
        int localUp = freePort();
        Process forward = new ProcessBuilder(crictl.toString(), "--runtime-endpoint", "unix://" + socket, "port-forward",
                hostNetworkPodId, localDown + ":" + port(source), localUp + ":" + port(sink))
                .redirectErrorStream(true).start();
        try {
            awaitForwarding(forward);
            double downloadS;
            try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", localDown))) {
                long t0 = System.nanoTime();
                long got = drain(Channels.newInputStream(c));
                downloadS = (System.nanoTime() - t0) / 1e9;
                check(got, "download through crictl");
            }
            double uploadS;
            try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", localUp))) {
                long t0 = System.nanoTime();
                fill(Channels.newOutputStream(c));
                c.shutdownOutput();
                String count = new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.US_ASCII).strip();
                uploadS = (System.nanoTime() - t0) / 1e9;
                check(Long.parseLong(count), "upload through crictl");
            }
            return Optional.of(new Rates(mib(downloadS), mib(uploadS)));
        } finally {
            forward.destroy();
            if (!forward.waitFor(5, TimeUnit.SECONDS)) {
                forward.destroyForcibly();
            }
        }
    }

    @Override
    public void close() throws IOException {
        source.close();
        sink.close();
        sourceThread.interrupt();
        sinkThread.interrupt();
    }

    private double mib(double seconds) {
        return (bytes / (1024.0 * 1024.0)) / seconds;
    }

    private void check(long got, String what) {
        if (got != bytes) {
            throw new IllegalStateException(what + ": " + got + " bytes arrived, " + bytes + " sent");
        }
    }

    private static @Nullable Path crictl() {
        String env = System.getenv("CRICTL");
        Path candidate = env != null && !env.isEmpty() ? Path.of(env) : CRI_TOOLS_CRICTL;
        return Files.isExecutable(candidate) ? candidate.toAbsolutePath() : null;
    }

    private static void awaitForwarding(Process forward) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(forward.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("Forwarding from")) {
                Thread.ofVirtual().start(() -> {
                    try {
                        out.transferTo(Writer.nullWriter());
                    } catch (IOException ignored) {
                        // crictl ended
                    }
                });
                return;
            }
        }
        throw new IOException("crictl port-forward ended before forwarding");
    }

    private static int freePort() throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            return port(probe);
        }
    }

    private static int port(ServerSocketChannel channel) {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long drain(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 20];
        long got = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            got += n;
        }
        return got;
    }

    private void fill(OutputStream out) throws IOException {
        byte[] chunk = new byte[1 << 20];
        new SplittableRandom(7).nextBytes(chunk);
        for (long sent = 0; sent < bytes; sent += chunk.length) {
            out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
        }
        out.flush();
    }

    private void serveSource() {
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        try {
            while (true) {
                try (SocketChannel c = source.accept()) {
                    for (long sent = 0; sent < bytes; ) {
                        chunk.clear().limit((int) Math.min(chunk.capacity(), bytes - sent));
                        while (chunk.hasRemaining()) {
                            sent += c.write(chunk);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void serveSink() {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try {
            while (true) {
                try (SocketChannel c = sink.accept()) {
                    long got = 0;
                    for (int n; (n = c.read(buf.clear())) >= 0; ) {
                        got += n;
                    }
                    c.write(ByteBuffer.wrap((got + "\n").getBytes(StandardCharsets.US_ASCII)));
                }
            }
        } catch (IOException e) {
            // closed
        }
    }
}
