package dev.gantry.runtime.streaming;

import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Port-forward over SPDY (directly, or tunnelled in WebSocket): each forwarded connection is a
 * data and an error stream carrying the same {@code requestID} and {@code port} headers; once
 * both are open, a {@link PortForwarder} runs them. Streams with a bad port or type are refused
 * one by one and the session goes on, as in the kubelet.
 */
final class SpdyPortForward implements SpdyStreamHandler {

    private static final class Pair {
        @Nullable SpdyStream data;
        @Nullable SpdyStream error;
    }

    private final SpdyConnection connection;
    private final StreamRequest.PortForward request;
    private final PortForwarder forwarder;
    private final Duration creationTimeout;
    private final ExecutorService sessions;
    private final Map<String, Pair> pending = new HashMap<>();

    SpdyPortForward(SpdyConnection connection, StreamRequest.PortForward request, PortForwarder forwarder,
                    Duration creationTimeout, ExecutorService sessions) {
        this.connection = connection;
        this.request = request;
        this.forwarder = forwarder;
        this.creationTimeout = creationTimeout;
        this.sessions = sessions;
    }

    @Override
    public Optional<String> accept(SpdyStream stream) {
        String portHeader = stream.header("port");
        if (portHeader == null || portHeader.isEmpty()) {
            return Optional.of("\"port\" header is required");
        }
        int port;
        try {
            port = Integer.parseInt(portHeader);
        } catch (NumberFormatException e) {
            return Optional.of("unable to parse \"" + portHeader + "\" as a port");
        }
        if (port < 1 || port > 65535) {
            return Optional.of("port \"" + portHeader + "\" must be > 0 and < 65536");
        }
        String type = stream.header(SpdyConnection.STREAM_TYPE);
        if (type == null) {
            return Optional.of("\"streamType\" header is required");
        }
        if (!"data".equals(type) && !"error".equals(type)) {
            return Optional.of("invalid stream type \"" + type + "\"");
        }
        String requestId = requestId(stream, type);
        Pair pair = pending.get(requestId);
        if (pair == null) {
            pair = new Pair();
            pending.put(requestId, pair);
            Pair scheduled = pair;
            connection.channel().eventLoop().schedule(() -> timedOut(requestId, scheduled),
                    creationTimeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        if ("data".equals(type) ? pair.data != null : pair.error != null) {
            return Optional.of("a second " + type + " stream for request " + requestId);
        }
        if ("data".equals(type)) {
            pair.data = stream;
        } else {
            pair.error = stream;
        }
        if (pair.data != null && pair.error != null) {
            pending.remove(requestId);
            SpdyStream data = pair.data;
            SpdyStream error = pair.error;
            // The client never writes on the error stream; drop anything that comes.
            error.inbound().discard();
            sessions.execute(() -> forwarder.forward(request.podSandboxId(), port, data.inbound(), data, error, connection.channel()));
        }
        return Optional.empty();
    }

    /**
     * Clients older than Kubernetes 1.6 sent no requestID; like the kubelet, pair their streams by
     * id (error n, data n+2), which holds while they open one connection at a time.
     */
    private static String requestId(SpdyStream stream, String type) {
        String id = stream.header("requestid");
        if (id != null && !id.isEmpty()) {
            return id;
        }
        return Integer.toString("error".equals(type) ? stream.id() : stream.id() - 2);
    }

    private void timedOut(String requestId, Pair pair) {
        if (pending.get(requestId) != pair) {
            return;
        }
        pending.remove(requestId);
        if (pair.error != null) {
            byte[] msg = ("timed out waiting for streams of request " + requestId).getBytes(StandardCharsets.UTF_8);
            connection.channel().writeAndFlush(new DefaultSpdyDataFrame(pair.error.id(),
                    connection.channel().alloc().buffer(msg.length).writeBytes(msg)).setLast(true));
        }
        if (pair.data != null) {
            pair.data.inbound().discard();
            pair.data.finish();
        }
    }
}
