package dev.gantry.e2e.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A client of the kubelet's streaming protocols, the URLs Exec, Attach and PortForward return,
 * behaving as client-go's {@code tools/remotecommand} and {@code tools/portforward} do.
 *
 * <pre>
 *                   upgrade                          then
 * exec, attach      SPDY/3.1 (v5..v2.channel.k8s.io) error, stdin, stdout, stderr, resize streams, each SYN_STREAM answered by SYN_REPLY
 *                   WebSocket (v5, v4.channel.k8s.io) channels 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize; v5: [255, n] closes n
 * port forward      SPDY/3.1 (portforward.k8s.io)     per connection an error then a data stream, headers port and requestID
 *                   WebSocket (v4.channel.k8s.io)     ports in the query; channels 2i data, 2i+1 error, each opened by the port (LE16)
 * </pre>
 *
 * One event loop serves every session of a client; sessions are blocking streams for the test's
 * threads. Plain HTTP only: gantryd's streaming server listens on loopback.
 */
public final class StreamClient implements AutoCloseable {

    private static final long CONNECT_SECONDS = 30;

    private final EventLoopGroup group;

    private StreamClient(EventLoopGroup group) {
        this.group = group;
    }

    public static StreamClient create() {
        return new StreamClient(new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("stream-client", true),
                NioIoHandler.newFactory()));
    }

    /** Runs {@code command}'s streams as the options ask (the same options the ExecRequest had). */
    public StreamSession exec(URI url, ExecOptions options) throws IOException {
        return options.transport() == Transport.SPDY ? spdySession(url, options) : webSocketSession(url, options);
    }

    /** Attaches as the options ask (the same options the AttachRequest had); the streams are those of exec. */
    public StreamSession attach(URI url, ExecOptions options) throws IOException {
        return exec(url, options);
    }

    /**
     * A port-forward session. Over WebSocket the ports are fixed now (and sent as {@code port} query
     * parameters too, as kubelet's websocket port forwarding reads them); over SPDY they are named per
     * {@link PortForwardSession#open}, and {@code ports} may be empty.
     */
    public PortForwardSession portForward(URI url, Transport transport, int... ports) throws IOException {
        if (transport == Transport.SPDY) {
            return PortForwardSession.spdy(spdy(url, transport.portForwardProtocols()));
        }
        StringBuilder query = new StringBuilder(url.getRawQuery() == null ? "" : url.getRawQuery());
        for (int port : ports) {
            query.append(query.isEmpty() ? "" : "&").append("port=").append(port);
        }
        URI withPorts = URI.create(url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath()
                + (query.isEmpty() ? "" : "?" + query));
        Map<Integer, PortConnection> connections = new LinkedHashMap<>();
        WebSocketConnection ws = webSocket(withPorts, transport.portForwardProtocols(), connection -> {
            for (int i = 0; i < ports.length; i++) {
                StreamBuffer data = connection.input(2 * i, ports[i]);
                StreamBuffer error = connection.input(2 * i + 1, ports[i]);
                connections.put(ports[i], new PortConnection(ports[i], data, connection.output(2 * i, false), error));
            }
        });
        return PortForwardSession.webSocket(ws, connections);
    }

    private StreamSession spdySession(URI url, ExecOptions options) throws IOException {
        SpdyConnection connection = spdy(url, options.protocols());
        try {
            int version = StreamProtocols.version(connection.protocol());
            // client-go's streamProtocolV2.createStreams order: error, stdin, stdout, stderr; v3 adds resize
            SpdyConnection.Stream error = connection.create(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.ERROR));
            SpdyConnection.Stream stdin = options.stdin() ? connection.create(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.STDIN)) : null;
            SpdyConnection.Stream stdout = options.stdout() ? connection.create(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.STDOUT)) : null;
            SpdyConnection.Stream stderr = options.stderr() ? connection.create(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.STDERR)) : null;
            SpdyConnection.Stream resize = options.tty() && version >= 3
                    ? connection.create(Map.of(StreamProtocols.STREAM_TYPE, StreamProtocols.RESIZE)) : null;
            return new StreamSession(connection.protocol(), stdin == null ? null : stdin.output, stdout == null ? null : stdout.input,
                    stderr == null ? null : stderr.input, resize == null ? null : resize.output, error.input, connection::abort,
                    connection::close);
        } catch (IOException | RuntimeException e) {
            connection.abort();
            throw e;
        }
    }

    private StreamSession webSocketSession(URI url, ExecOptions options) throws IOException {
        List<StreamBuffer> in = new ArrayList<>(List.of(new StreamBuffer("none"), new StreamBuffer("none"), new StreamBuffer("none")));
        WebSocketConnection connection = webSocket(url, options.protocols(), c -> {
            in.set(0, c.input(StreamProtocols.CHANNEL_ERROR, -1));
            in.set(1, options.stdout() ? c.input(StreamProtocols.CHANNEL_STDOUT, -1) : null);
            in.set(2, options.stderr() ? c.input(StreamProtocols.CHANNEL_STDERR, -1) : null);
        });
        boolean v5 = StreamProtocols.version(connection.protocol()) >= 5;
        return new StreamSession(connection.protocol(),
                options.stdin() ? connection.output(StreamProtocols.CHANNEL_STDIN, v5) : null, in.get(1), in.get(2),
                options.tty() ? connection.output(StreamProtocols.CHANNEL_RESIZE, false) : null, in.get(0),
                connection::abort, connection::close);
    }

    /** Connects and upgrades to SPDY/3.1 offering {@code protocols}. */
    SpdyConnection spdy(URI url, List<String> protocols) throws IOException {
        CompletableFuture<SpdyConnection> result = new CompletableFuture<>();
        Channel channel = connect(url, ch -> ch.pipeline().addLast("http", new HttpClientCodec())
                .addLast("upgrade", new SpdyUpgrade(url, protocols, result)));
        return await(result, url, channel);
    }

    /** Connects and upgrades to WebSocket offering {@code protocols}; {@code setup} declares the inputs first. */
    WebSocketConnection webSocket(URI url, List<String> protocols, Consumer<WebSocketConnection> setup) throws IOException {
        CompletableFuture<WebSocketConnection> result = new CompletableFuture<>();
        Channel channel = connect(url, ch -> {
            WebSocketConnection connection = new WebSocketConnection(ch);
            setup.accept(connection);
            ch.pipeline().addLast("http", new HttpClientCodec())
                    .addLast("aggregate", new HttpObjectAggregator(64 * 1024))
                    .addLast("upgrade", connection.handshake(url, protocols, result));
        });
        return await(result, url, channel);
    }

    private Channel connect(URI url, Consumer<Channel> init) throws IOException {
        String scheme = url.getScheme();
        if (!"http".equals(scheme) && !"ws".equals(scheme)) {
            throw new IllegalArgumentException("only plain http streaming URLs are supported, got " + url);
        }
        int port = url.getPort() > 0 ? url.getPort() : 80;
        ChannelFuture connected = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TimeUnit.SECONDS.toMillis(CONNECT_SECONDS))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        init.accept(ch);
                    }
                })
                .connect(url.getHost(), port);
        if (!connected.awaitUninterruptibly().isSuccess()) {
            throw new IOException("connect to " + url + ": " + connected.cause(), connected.cause());
        }
        return connected.channel();
    }

    /** The upgrade's outcome; the connection is closed unless it succeeded. */
    private static <T> T await(CompletableFuture<T> result, URI url, Channel channel) throws IOException {
        boolean upgraded = false;
        try {
            T connection = result.get(CONNECT_SECONDS, TimeUnit.SECONDS);
            upgraded = true;
            return connection;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("upgrade of " + url + " not answered within " + CONNECT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted upgrading " + url);
        } finally {
            if (!upgraded) {
                channel.close();
            }
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
