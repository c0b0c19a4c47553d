package dev.gantry.runtime.daemon;

import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptor;
import io.grpc.netty.NettyServerBuilder;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC over the Unix socket, on Netty epoll. One event loop accepts and moves bytes (a kubelet
 * holds one connection, crictl opens one per command: a second loop would only add a thread
 * hand-off to every accept), and every call that may block runs on its own virtual thread so
 * domain code never stalls the event loop.
 */
final class CriServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CriServer.class);

    /** grpc-java's default window; the largest CRI message (16 MiB) still streams through it. */
    private static final int FLOW_CONTROL_WINDOW = 1 << 20;

    private final Server server;
    private final EventLoopGroup io;
    private final ExecutorService calls;
    private final Path socket;
    private final Duration shutdownTimeout;

    private CriServer(Server server, EventLoopGroup io, ExecutorService calls, Path socket, Duration shutdownTimeout) {
        this.server = server;
        this.io = io;
        this.calls = calls;
        this.socket = socket;
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * @param outermost interceptors that must see every call as the client does (metrics), after the
     *     response size limit has set its code: grpc-java runs the last one added first
     */
    static CriServer start(GantryConfig.Grpc grpc, List<BindableService> services, List<ServerInterceptor> outermost) throws IOException {
        return start(grpc, services, outermost, () -> {});
    }

    /**
     * As above, and waits for {@code beforeBind} after the server is set up and before its socket
     * exists: what the daemon started in the background must be up before a kubelet can call.
     */
    static CriServer start(GantryConfig.Grpc grpc, List<BindableService> services, List<ServerInterceptor> outermost,
            Wiring.Started beforeBind) throws IOException {
        // Fails with the reason (wrong architecture, noexec /tmp) rather than a later NoClassDefFoundError.
        Epoll.ensureAvailability();
        SocketFile.prepare(grpc.socket());

        EventLoopGroup io = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cri-io", true), EpollIoHandler.newFactory());
        ExecutorService calls = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cri-call-", 0).factory());
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new DomainSocketAddress(grpc.socket().toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(io)
                .workerEventLoopGroup(io)
                // A fixed window: no BDP ping after a client's first message for it to answer.
                // Auto-tuning pays off on long fat links, not on a Unix socket.
                .flowControlWindow(FLOW_CONTROL_WINDOW)
                // The method lookup of every new stream runs where the bytes arrived; each call then
                // moves to a virtual thread unless it is one of INLINE.
                .directExecutor()
                .callExecutor(new CallPlacement(calls))
                .maxInboundMessageSize(grpc.maxRecvMessageSize())
                // A kubelet holds one connection; pooled arenas would keep megabytes for it idle.
                .withChildOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
                .intercept(new ResponseSizeLimit(grpc.maxSendMessageSize()));
        outermost.forEach(builder::intercept);
        services.forEach(builder::addService);
        Server server = builder.build();
        try {
            beforeBind.await();
            server.start();
            SocketFile.restrict(grpc.socket());
        } catch (IOException | RuntimeException | Error e) {
            server.shutdownNow();
            io.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            calls.shutdownNow();
            throw e;
        }
        return new CriServer(server, io, calls, grpc.socket(), grpc.shutdownTimeout());
    }

    /**
     * Calls answered from memory without a lock or a file: Version (every crictl command starts with
     * one), RuntimeConfig, the kubelet's relists, the status of a pod or container it asks for
     * after each change it sees (crictl rm asks one too), and the image status it asks before
     * every container it creates (crictl create too), with the image listing. They run on the
     * connection's event loop, with no hand-off to a virtual thread and back, which on an idle node
     * costs two thread wake-ups, about a millisecond a call. Anything that may block (a file, runc,
     * a lock held across I/O) must stay off this list: it would stall every connection on that
     * event loop. The verbose status calls read files: the endpoints move them to a virtual thread
     * of their own ({@code InlineCalls}).
     */
    static final Set<String> INLINE = Set.of(
            "runtime.v1.RuntimeService/Version",
            "runtime.v1.RuntimeService/RuntimeConfig",
            "runtime.v1.RuntimeService/ListPodSandbox",
            "runtime.v1.RuntimeService/ListContainers",
            "runtime.v1.RuntimeService/PodSandboxStatus",
            "runtime.v1.RuntimeService/ContainerStatus",
            "runtime.v1.ImageService/ImageStatus",
            "runtime.v1.ImageService/ListImages");

    private static final Executor ON_EVENT_LOOP = Runnable::run;

    /** Where one call runs: the event loop for {@link #INLINE} methods, else a virtual thread. */
    private record CallPlacement(Executor virtualThreads) implements ServerCallExecutorSupplier {
        @Override
        public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
            return INLINE.contains(call.getMethodDescriptor().getFullMethodName()) ? ON_EVENT_LOOP : virtualThreads;
        }
    }

    /**
     * Stops accepting, lets calls in flight finish within the shutdown timeout, cancels the rest,
     * and removes the socket so the next daemon (or a kubelet probing it) sees it is gone.
     */
    @Override
    public void close() throws InterruptedException, IOException {
        server.shutdown();
        if (!server.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("calls still running after {} ms; cancelling them", shutdownTimeout.toMillis());
            server.shutdownNow();
            server.awaitTermination(2, TimeUnit.SECONDS);
        }
        calls.shutdownNow();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(2, TimeUnit.SECONDS);
        Files.deleteIfExists(socket);
    }
}
