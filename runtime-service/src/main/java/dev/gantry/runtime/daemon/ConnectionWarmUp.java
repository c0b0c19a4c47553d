package dev.gantry.runtime.daemon;

import dev.gantry.cri.v1.RuntimeServiceGrpc;
import dev.gantry.cri.v1.VersionRequest;
import io.grpc.Metadata;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has the JIT compile the path a fresh connection takes before the first crictl command needs it.
 * Every crictl command dials anew; the accept, HTTP/2 and gRPC set-up it runs once per connection
 * stays in the interpreter until some tens of connections have gone through it, and while it is
 * compiled a 2-core node spends both cores on the compiler: on a fresh daemon the first 25
 * {@code crictl version}s took 14.5 ms against 11 once warm (containerd's: 11). So, shortly after
 * the socket is bound, this makes {@code connections} connections to it one after the other,
 * {@link #PAUSE} apart, each as crictl makes one: the preface and SETTINGS, a Version call whose
 * headers are HPACK-coded as grpc-go codes them (Huffman, indexed), then a WINDOW_UPDATE, a PING and
 * a second Version that refers to the indexed headers, and a close.
 *
 * <p>Its calls carry {@link #MARK}, so the call metrics leave them out. A failure (the daemon
 * stopping, the socket gone) ends it quietly: it only ever saves time.
 */
final class ConnectionWarmUp implements AutoCloseable {

    /** Set on the warm-up's calls; a real client has no reason to send it. */
    static final Metadata.Key<String> MARK = Metadata.Key.of("gantry-warm-up", Metadata.ASCII_STRING_MARSHALLER);

    private static final Logger log = LoggerFactory.getLogger(ConnectionWarmUp.class);

    /**
     * Between connections. The JIT drops a queued compilation when its method has not run for 50 ms
     * ({@code TieredCompileTaskTimeout}): back to back, 256 connections were over before the
     * compiler had worked through its queue, and the first crictl commands still compiled what it
     * had dropped. Paced, the methods keep running while their compilations wait.
     */
    private static final Duration PAUSE = Duration.ofMillis(10);

    private static final int DATA = 0x0;
    private static final int HEADERS = 0x1;
    private static final int RST_STREAM = 0x3;
    private static final int SETTINGS = 0x4;
    private static final int PING = 0x6;
    private static final int GOAWAY = 0x7;
    private static final int WINDOW_UPDATE = 0x8;
    private static final int END_STREAM = 0x1;
    private static final int ACK = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Preface, SETTINGS and the first call on stream 1. */
    private static final byte[] OPENING;
    /** The connection window top-up and the BDP ping grpc-go sends after a response, and the second call on stream 3. */
    private static final byte[] SECOND_CALL;

    static {
        byte[] message = grpcMessage(VersionRequest.newBuilder().setVersion("v1").build().toByteArray());
        // One encoder for both blocks: the second refers to the entries the first added to the
        // server's table, which every new connection starts empty, so the bytes fit any connection.
        Http2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, false, 16, 0);
        ByteArrayOutputStream opening = new ByteArrayOutputStream();
        opening.writeBytes(PREFACE);
        opening.writeBytes(frame(SETTINGS, 0, 0, new byte[0]));
        opening.writeBytes(frame(HEADERS, END_HEADERS, 1, headerBlock(hpack, 1)));
        opening.writeBytes(frame(DATA, END_STREAM, 1, message));
        OPENING = opening.toByteArray();
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        second.writeBytes(frame(WINDOW_UPDATE, 0, 0, ByteBuffer.allocate(4).putInt(message.length + 32).array()));
        second.writeBytes(frame(PING, 0, 0, new byte[] {2, 4, 16, 16, 9, 14, 7, 7}));
        second.writeBytes(frame(HEADERS, END_HEADERS, 3, headerBlock(hpack, 3)));
        second.writeBytes(frame(DATA, END_STREAM, 3, message));
        SECOND_CALL = second.toByteArray();
    }

    private final Path socket;
    private final int connections;
    private final Duration delay;
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean closed;

    private ConnectionWarmUp(Path socket, int connections, Duration delay) {
        this.socket = socket;
        this.connections = connections;
        this.delay = delay;
        this.thread = Thread.ofPlatform().daemon().name("connection-warm-up").unstarted(this::run);
    }

    /**
     * Starts warming up the server on {@code socket} after {@code delay}, which leaves the cores to
     * the first calls of a kubelet or crictl that connect at once; with no connections it does nothing.
     */
    static ConnectionWarmUp start(Path socket, int connections, Duration delay) {
        ConnectionWarmUp warmUp = new ConnectionWarmUp(socket, connections, delay);
        if (connections > 0) {
            warmUp.thread.start();
        } else {
            warmUp.done.complete(0);
        }
        return warmUp;
    }

    /** Completes with the number of connections that got both answers, once it has ended either way. */
    CompletionStage<Integer> done() {
        return done;
    }

    private void run() {
        int made = 0;
        try {
            Thread.sleep(delay);
            long start = System.nanoTime();
            for (; made < connections && !closed; made++) {
                call(socket);
                Thread.sleep(PAUSE);
            }
            if (!closed) {
                log.info("fresh connections warmed up: {} Version calls over {} connections in {} ms", 2 * made, made,
                        (System.nanoTime() - start) / 1_000_000);
            }
        } catch (InterruptedException e) {
            // closed while waiting to start
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                log.debug("warming up fresh connections stopped after {}: {}", made, e.toString());
            }
        } finally {
            done.complete(made);
        }
    }

    /** Stops it at the end of the connection in progress; the daemon's stop does not wait for it. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    /**
     * One connection with its two Version calls, read to the second call's trailers.
     *
     * @throws IOException when the socket fails or the server answers with RST_STREAM or GOAWAY
     */
    static void call(Path socket) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            write(channel, OPENING);
            ByteBuffer header = ByteBuffer.allocate(9);
            int awaiting = 1;
            while (true) {
                header.clear();
                fill(channel, header);
                header.flip();
                int length = (header.get() & 0xff) << 16 | (header.get() & 0xff) << 8 | (header.get() & 0xff);
                int type = header.get() & 0xff;
                int flags = header.get() & 0xff;
                int stream = header.getInt() & 0x7fffffff;
                ByteBuffer payload = ByteBuffer.allocate(length);
                fill(channel, payload);
                if (type == SETTINGS && (flags & ACK) == 0) {
                    write(channel, frame(SETTINGS, ACK, 0, new byte[0]));
                } else if (type == HEADERS && stream == awaiting && (flags & END_STREAM) != 0) {
                    if (awaiting == 3) {
                        return;
                    }
                    write(channel, SECOND_CALL);
                    awaiting = 3;
                } else if (type == RST_STREAM || type == GOAWAY) {
                    throw new IOException("the server answered a Version call with HTTP/2 frame type " + type);
                }
            }
        }
    }

    private static byte[] headerBlock(Http2HeadersEncoder hpack, int stream) {
        Http2Headers headers = new DefaultHttp2Headers()
                .method("POST")
                .scheme("http")
                .path("/" + RuntimeServiceGrpc.getVersionMethod().getFullMethodName())
                .authority("localhost")
                .add("content-type", "application/grpc")
                .add("user-agent", "gantryd-warm-up")
                .add("te", "trailers")
                .add("grpc-timeout", "9999999u")
                .add(MARK.name(), "1");
        ByteBuf block = Unpooled.buffer();
        try {
            hpack.encodeHeaders(stream, headers, block);
            return ByteBufUtil.getBytes(block);
        } catch (Http2Exception e) {
            throw new IllegalStateException("cannot encode the warm-up's headers", e);
        } finally {
            block.release();
        }
    }

    private static byte[] grpcMessage(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        return ByteBuffer.allocate(9 + payload.length)
                .put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                .put((byte) type).put((byte) flags).putInt(stream).put(payload).array();
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static void fill(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("the server closed the connection before the Version call's trailers");
            }
        }
    }
}
