package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ImageServiceGrpc;
import dev.gantry.cri.v1.RuntimeServiceGrpc;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.StatusResponse;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real epoll server on a real socket: a blocked call leaves the event loop free, and on shutdown
 * calls in flight finish and late ones are cut.
 */
class CriServerTest {

    /**
     * Status blocks until the test lets it go, and says when it has started. Status, not Version:
     * Version runs on the event loop ({@link CriServer#INLINE}), where nothing may block.
     */
    private static final class HeldStatus extends RuntimeServiceGrpc.RuntimeServiceImplBase {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            response.onNext(StatusResponse.newBuilder().putInfo("held", "yes").build());
            response.onCompleted();
        }

        @Override
        public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
            response.onNext(VersionResponse.newBuilder().setRuntimeName("held-status").build());
            response.onCompleted();
        }
    }

    @TempDir
    Path dir;

    private final HeldStatus service = new HeldStatus();
    // Own threads: the common pool may have a single thread on a small machine, and the held
    // call would keep close() from ever starting.
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private EventLoopGroup clientLoop;
    private ManagedChannel channel;

    @BeforeEach
    void client() {
        clientLoop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void closeClient() {
        service.release.countDown();
        threads.shutdownNow();
        if (channel != null) {
            channel.shutdownNow();
            try {
                channel.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clientLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private CriServer start(Duration shutdownTimeout) throws Exception {
        Path socket = dir.resolve("run/gantry.sock");
        var grpc = new GantryConfig.Grpc(socket, 16 << 20, 16 << 20, shutdownTimeout, 0);
        CriServer server = CriServer.start(grpc, List.of(service), List.of());
        channel = channelTo(socket);
        return server;
    }

    private ManagedChannel channelTo(Path socket) {
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
                .channelType(EpollDomainSocketChannel.class)
                .eventLoopGroup(clientLoop)
                .usePlaintext()
                .build();
    }

    /** A Status call on {@link #channel}, once the service holds it. */
    private CompletableFuture<StatusResponse> heldStatus() throws InterruptedException {
        CompletableFuture<StatusResponse> call = CompletableFuture.supplyAsync(
                () -> RuntimeServiceGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance()), threads);
        service.started.await();
        return call;
    }

    @Test
    void close_callInFlight_finishesBeforeSocketGoes() throws Exception {
        CriServer server = start(Duration.ofMinutes(1));
        CompletableFuture<StatusResponse> call = heldStatus();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> {
            try {
                server.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, threads);
        // The listener closes first: from then on the server is draining, not accepting.
        awaitRefused(dir.resolve("run/gantry.sock"));
        assertThat(closing).isNotDone();
        service.release.countDown();

        assertThat(call.get(30, TimeUnit.SECONDS).getInfoMap()).containsEntry("held", "yes");
        closing.get(30, TimeUnit.SECONDS);
        assertThat(dir.resolve("run/gantry.sock")).doesNotExist();
    }

    private static void awaitRefused(Path socket) throws InterruptedException {
        for (int i = 0; i < 6000; i++) {
            try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                probe.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError(socket + " still accepts connections");
    }

    @Test
    void close_callOutlivesShutdownTimeout_isCancelled() throws Exception {
        CriServer server = start(Duration.ofMillis(100));
        CompletableFuture<StatusResponse> call = heldStatus();

        server.close();

        assertThat(call).failsWithin(Duration.ofSeconds(30))
                .withThrowableThat()
                .havingCause()
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isIn(Status.Code.CANCELLED, Status.Code.UNAVAILABLE));
        assertThat(dir.resolve("run/gantry.sock")).doesNotExist();
    }

    @Test
    void blockedCall_leavesTheEventLoopToOtherCallsAndConnections() throws Exception {
        CriServer server = start(Duration.ofSeconds(1));
        CompletableFuture<StatusResponse> held = heldStatus();

        // One event loop serves every connection: the held call must sit on a thread of its own.
        assertThat(RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("held-status");
        ManagedChannel second = channelTo(dir.resolve("run/gantry.sock"));
        try {
            assertThat(RuntimeServiceGrpc.newBlockingStub(second).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .version(VersionRequest.getDefaultInstance()).getRuntimeName()).isEqualTo("held-status");
        } finally {
            second.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        assertThat(held).isNotDone();

        service.release.countDown();
        assertThat(held.get(30, TimeUnit.SECONDS).getInfoMap()).containsEntry("held", "yes");
        server.close();
    }

    @Test
    void inlineMethods_areMethodsOfTheCriServices() {
        var methods = java.util.stream.Stream.of(RuntimeServiceGrpc.getServiceDescriptor(), ImageServiceGrpc.getServiceDescriptor())
                .flatMap(service -> service.getMethods().stream())
                .map(io.grpc.MethodDescriptor::getFullMethodName).toList();
        assertThat(methods).containsAll(CriServer.INLINE);
    }
}
