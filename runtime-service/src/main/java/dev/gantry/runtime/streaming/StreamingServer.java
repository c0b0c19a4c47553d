package dev.gantry.runtime.streaming;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.gantry.runtime.metrics.StreamingMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming server behind Exec, Attach and PortForward: the CRI call stores its request behind
 * a single-use token and returns {@link #urlFor(StreamRequest)}; the client (kubelet, crictl,
 * critest through client-go) comes to that URL and upgrades the connection.
 *
 * <pre>
 *  HTTP/1.1 request ─▶ UpgradeHandler ─┬─ SPDY/3.1 ──▶ SpdyFrameCodec ─▶ SpdyConnection ─┬─ SpdyRemoteCommand ─▶ RemoteCommandSession
 *  (token, kind)                       │                                                 └─ SpdyPortForward ───▶ PortForwarder
 *                                      └─ WebSocket ─┬─ channel protocol ─▶ WsChannelHandler ─▶ RemoteCommandSession / PortForwarder
 *                                                    └─ SPDY/3.1+portforward.k8s.io ─▶ WsTunnelCodec ─▶ SpdyFrameCodec ─▶ SpdyConnection
 * </pre>
 *
 * The event loops only move frames; process copies run on platform threads, socket copies on
 * virtual ones, and they park,
 * never the event loop, while the other side is slow ({@link ConnectionFlow}).
 */
public final class StreamingServer implements StreamUrls, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingServer.class);
    /** Netty stops a copy thread's writes past this much queued per connection; a few chunks. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
    private static final int MAX_REQUEST_BODY = 8 * 1024;
    /**
     * Pooled direct buffers for the bytes streaming through. Netty's default (adaptive) allocator
     * pools nothing above 16 KiB in a JVM with less than 512 MiB of heap, as gantryd's is: every
     * 64 KiB copy chunk, read buffer and decoded frame was a fresh direct allocation with a
     * Cleaner. Two arenas of 4 MiB chunks; the flow control bounds what is in use per connection.
     */
    private static final ByteBufAllocator BUFFERS = new PooledByteBufAllocator(true, 0, 2, 8192, 9, 256, 64, false, 0);

    private final StreamTokens tokens;
    private final EventLoopGroup group;
    private final ExecutorService sessions;
    private final Channel listener;
    private final String baseUrl;

    private StreamingServer(StreamTokens tokens, EventLoopGroup group, ExecutorService sessions, Channel listener, String baseUrl) {
        this.tokens = tokens;
        this.group = group;
        this.sessions = sessions;
        this.listener = listener;
        this.baseUrl = baseUrl;
    }

    /** Starts serving with the system clock for token expiry. */
    public static StreamingServer start(StreamingConfig config, StreamBackends backends) throws IOException {
        return start(config, backends, Ticker.systemTicker(), StreamingMetrics.NOOP);
    }

    /** As {@link #start(StreamingConfig, StreamBackends)}, reporting each session to {@code metrics}. */
    public static StreamingServer start(StreamingConfig config, StreamBackends backends, StreamingMetrics metrics) throws IOException {
        return start(config, backends, Ticker.systemTicker(), metrics);
    }

    /** Binds {@code config.address():config.port()} and serves until {@link #close()}. */
    public static StreamingServer start(StreamingConfig config, StreamBackends backends, Ticker ticker, StreamingMetrics metrics)
            throws IOException {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(backends, "backends");
        SslContext ssl = config.tls() ? sslContext(config) : null;
        StreamTokens tokens = new StreamTokens(config.tokenTtl(), ticker);
        ExecutorService sessions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("stream-", 0).factory());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Math.min(2, Runtime.getRuntime().availableProcessors()),
                NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.ALLOCATOR, BUFFERS)
                    .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            if (ssl != null) {
                                p.addLast("tls", ssl.newHandler(ch.alloc()));
                            }
                            p.addLast("idle", new IdleStateHandler(0, 0, config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS));
                            p.addLast("idle-closer", IdleCloser.INSTANCE);
                            p.addLast("http", new HttpServerCodec());
                            p.addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BODY));
                            p.addLast("upgrade", new UpgradeHandler(tokens, backends, config, sessions, metrics));
                        }
                    });
            Channel listener = bootstrap.bind(config.address(), config.port()).syncUninterruptibly().channel();
            InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
            String host = bound.getAddress().getHostAddress();
            if (host.indexOf(':') >= 0) {
                host = "[" + host + "]";
            }
            String baseUrl = (ssl != null ? "https://" : "http://") + host + ":" + bound.getPort();
            LOG.info("streaming server listening on {}", baseUrl);
            return new StreamingServer(tokens, group, sessions, listener, baseUrl);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            sessions.shutdownNow();
            throw new IOException("start the streaming server on " + config.address() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    private static SslContext sslContext(StreamingConfig config) throws IOException {
        try {
            return SslContextBuilder.forServer(config.tlsCertFile().orElseThrow().toFile(), config.tlsKeyFile().orElseThrow().toFile())
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("load the streaming server's TLS certificate " + config.tlsCertFile().orElseThrow()
                    + " and key " + config.tlsKeyFile().orElseThrow() + ": " + e.getMessage(), e);
        }
    }

    /** Stores {@code request} behind a fresh single-use token and returns the URL for the client. */
    @Override
    public String urlFor(StreamRequest request) {
        return baseUrl + StreamKind.of(request).prefix() + tokens.issue(request);
    }

    /** The bound port (useful when the configured one was 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Stops listening and closes every connection; their sessions' cleanup (process close, socket close) follows. */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        sessions.shutdown();
    }
}
