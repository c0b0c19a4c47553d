package dev.gantry.e2e.client;

import dev.gantry.cri.v1.AttachRequest;
import dev.gantry.cri.v1.ExecRequest;
import dev.gantry.cri.v1.ExecSyncRequest;
import dev.gantry.cri.v1.ExecSyncResponse;
import dev.gantry.cri.v1.ImageServiceGrpc;
import dev.gantry.cri.v1.PortForwardRequest;
import dev.gantry.cri.v1.RuntimeServiceGrpc;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CRI client over the Unix socket, configured as the kubelet's: blocking stubs, 16 MiB messages
 * both ways, a deadline on every call. Each accessor returns a stub whose deadline starts now.
 */
public final class CriClient implements AutoCloseable {

    /** The kubelet's message size limit in both directions. */
    public static final int MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

    private final ManagedChannel channel;
    private final EventLoopGroup group;
    private final Duration deadline;

    private CriClient(ManagedChannel channel, EventLoopGroup group, Duration deadline) {
        this.channel = channel;
        this.group = group;
        this.deadline = deadline;
    }

    /** Connects lazily: the first call dials, so a client may be made before the daemon listens. */
    public static CriClient connect(Path socket) {
        return connect(socket, Duration.ofSeconds(30));
    }

    public static CriClient connect(Path socket, Duration deadline) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cri-client", true), EpollIoHandler.newFactory());
        ManagedChannel channel = NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(group)
                .usePlaintext()
                .overrideAuthority("localhost")
                .maxInboundMessageSize(MAX_MESSAGE_SIZE)
                .build();
        return new CriClient(channel, group, deadline);
    }

    public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The channel, for calls the stubs cannot make (raw bytes, see the fuzz tests). */
    public Channel channel() {
        return channel;
    }

    /** Exec: the streaming URL for {@code command} with the streams {@code options} name. */
    public URI exec(String containerId, ExecOptions options, String... command) {
        return URI.create(runtime().exec(ExecRequest.newBuilder()
                .setContainerId(containerId).addAllCmd(Arrays.asList(command))
                .setTty(options.tty()).setStdin(options.stdin()).setStdout(options.stdout()).setStderr(options.stderr())
                .build()).getUrl());
    }

    /** Attach: the streaming URL for the container's main process with the streams {@code options} name. */
    public URI attach(String containerId, ExecOptions options) {
        return URI.create(runtime().attach(AttachRequest.newBuilder()
                .setContainerId(containerId)
                .setTty(options.tty()).setStdin(options.stdin()).setStdout(options.stdout()).setStderr(options.stderr())
                .build()).getUrl());
    }

    /** PortForward: the streaming URL for the pod's {@code ports} (empty: the client names them). */
    public URI portForward(String podSandboxId, List<Integer> ports) {
        return URI.create(runtime().portForward(PortForwardRequest.newBuilder()
                .setPodSandboxId(podSandboxId).addAllPort(ports).build()).getUrl());
    }

    /** ExecSync with the runtime's {@code timeout} (0: none); the stub's deadline is that much longer. */
    public ExecSyncResponse execSync(String containerId, Duration timeout, String... command) {
        return runtime().withDeadlineAfter(deadline.plus(timeout).toMillis(), TimeUnit.MILLISECONDS)
                .execSync(ExecSyncRequest.newBuilder()
                        .setContainerId(containerId).addAllCmd(Arrays.asList(command)).setTimeout(timeout.toSeconds()).build());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }
}
