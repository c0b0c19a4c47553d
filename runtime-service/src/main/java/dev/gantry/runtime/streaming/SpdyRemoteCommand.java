package dev.gantry.runtime.streaming;

import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Exec and attach over SPDY: collects the streams the client opens, one per {@code streamType},
 * and starts the session once every stream the request asked for is there (the error stream
 * always; resize with a terminal from v3 on). A client that has not opened them all within the
 * creation timeout, or that opens one twice, loses the connection.
 */
final class SpdyRemoteCommand implements SpdyStreamHandler {

    enum Type { ERROR, STDIN, STDOUT, STDERR, RESIZE }

    private final SpdyConnection connection;
    private final StreamRequest request;
    private final StreamBackends backends;
    private final String protocol;
    private final ExecutorService sessions;
    private final Set<Type> expected;
    private final Map<Type, SpdyStream> opened = new EnumMap<>(Type.class);
    private final ScheduledFuture<?> deadline;
    private boolean started;

    SpdyRemoteCommand(SpdyConnection connection, StreamRequest request, StreamBackends backends, String protocol,
                      Duration creationTimeout, ExecutorService sessions) {
        this.connection = connection;
        this.request = request;
        this.backends = backends;
        this.protocol = protocol;
        this.sessions = sessions;
        this.expected = expected(request, protocol);
        this.deadline = connection.channel().eventLoop()
                .schedule(this::timedOut, creationTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The streams a client-go client opens for this request, as the kubelet counts them. */
    static Set<Type> expected(StreamRequest request, String protocol) {
        boolean tty;
        boolean stdin;
        boolean stdout;
        boolean stderr;
        switch (request) {
            case StreamRequest.Exec e -> { tty = e.tty(); stdin = e.stdin(); stdout = e.stdout(); stderr = e.stderr(); }
            case StreamRequest.Attach a -> { tty = a.tty(); stdin = a.stdin(); stdout = a.stdout(); stderr = a.stderr(); }
            case StreamRequest.PortForward p -> throw new IllegalArgumentException("port-forward has no command streams");
        }
        Set<Type> types = EnumSet.of(Type.ERROR);
        if (stdin) {
            types.add(Type.STDIN);
        }
        if (stdout) {
            types.add(Type.STDOUT);
        }
        // With a terminal stderr is merged into stdout; client-go opens no stderr stream then.
        if (stderr && !tty) {
            types.add(Type.STDERR);
        }
        if (tty && Protocols.spdyResize(protocol)) {
            types.add(Type.RESIZE);
        }
        return types;
    }

    @Override
    public Optional<String> accept(SpdyStream stream) {
        String name = stream.header(SpdyConnection.STREAM_TYPE);
        Type type;
        try {
            type = Type.valueOf(String.valueOf(name).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.of("unknown streamType \"" + name + "\"");
        }
        if (started || opened.containsKey(type)) {
            connection.abort("the client opened a second " + name + " stream");
            return Optional.of("duplicate");
        }
        opened.put(type, stream);
        if (opened.keySet().containsAll(expected)) {
            started = true;
            deadline.cancel(false);
            RemoteCommandSession.Streams streams = new RemoteCommandSession.Streams(
                    inbound(Type.STDIN), opened.get(Type.STDOUT), opened.get(Type.STDERR), opened.get(Type.ERROR), inbound(Type.RESIZE));
            sessions.execute(new RemoteCommandSession(request, backends, streams, Protocols.jsonStatus(protocol),
                    connection.channel(), connection::finish));
        }
        return Optional.empty();
    }

    private @Nullable InboundPipe inbound(Type type) {
        SpdyStream s = opened.get(type);
        return s == null ? null : s.inbound();
    }

    private void timedOut() {
        if (started) {
            return;
        }
        started = true;
        String message = "timed out waiting for client to create streams";
        SpdyStream error = opened.get(Type.ERROR);
        if (error != null) {
            SessionStatus status = new SessionStatus.Failed(message);
            byte[] bytes = Protocols.jsonStatus(protocol) ? status.json() : status.text();
            // On the event loop, so no waiting for writability: the frame is small and the last.
            connection.channel().writeAndFlush(new DefaultSpdyDataFrame(error.id(),
                    connection.channel().alloc().buffer(bytes.length).writeBytes(bytes)).setLast(true));
        }
        connection.abort(message + " (have " + opened.keySet() + ", need " + expected + ")");
    }
}
