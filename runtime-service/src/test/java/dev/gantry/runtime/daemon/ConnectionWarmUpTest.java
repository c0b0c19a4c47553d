package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.RuntimeServiceGrpc;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up against the real epoll server on a real socket, as the daemon runs it. */
class ConnectionWarmUpTest {

    /** What one Version call brought: its request and the headers the server decoded. */
    private record Seen(String version, String mark, String userAgent) {}

    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    private final class Runtime extends RuntimeServiceGrpc.RuntimeServiceImplBase {
        @Override
        public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
            response.onNext(VersionResponse.newBuilder().setRuntimeName("warm").build());
            response.onCompleted();
        }
    }

    /** Records each call with its request's version field, once the request has arrived. */
    private final class Recorder implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            String mark = headers.get(ConnectionWarmUp.MARK);
            String userAgent = headers.get(Metadata.Key.of("user-agent", Metadata.ASCII_STRING_MARSHALLER));
            return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
                @Override
                public void onMessage(Q message) {
                    seen.add(new Seen(((VersionRequest) message).getVersion(), mark, userAgent));
                    super.onMessage(message);
                }
            };
        }
    }

    @TempDir
    Path dir;

    private CriServer server;

    private Path serve() throws Exception {
        Path socket = dir.resolve("run/gantry.sock");
        server = CriServer.start(new GantryConfig.Grpc(socket, 16 << 20, 16 << 20, Duration.ofSeconds(5), 0),
                List.of(new Runtime()), List.of(new Recorder()));
        return socket;
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void call_makesTwoMarkedVersionCallsOnOneConnection_andReadsBothAnswers() throws Exception {
        Path socket = serve();

        ConnectionWarmUp.call(socket);
        ConnectionWarmUp.call(socket); // a new connection: the pre-coded headers fit any fresh HPACK table

        assertThat(seen).hasSize(4).containsOnly(new Seen("v1", "1", "gantryd-warm-up"));
    }

    @Test
    void start_makesItsConnectionsAfterTheDelay_andSaysHowManyGotAnswers() throws Exception {
        Path socket = serve();

        ConnectionWarmUp warmUp = ConnectionWarmUp.start(socket, 3, Duration.ofMillis(10));

        assertThat(warmUp.done().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(seen).hasSize(6);
    }

    @Test
    void start_noServer_endsQuietlyWithNothingDone() throws Exception {
        Path missing = dir.resolve("absent.sock");

        ConnectionWarmUp warmUp = ConnectionWarmUp.start(missing, 5, Duration.ZERO);

        assertThat(warmUp.done().toCompletableFuture().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(Files.exists(missing)).isFalse();
    }

    @Test
    void close_whileWaitingToStart_endsItWithoutACall() throws Exception {
        Path socket = serve();
        ConnectionWarmUp warmUp = ConnectionWarmUp.start(socket, 5, Duration.ofMinutes(10));

        warmUp.close();

        assertThat(warmUp.done().toCompletableFuture().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void start_noConnections_doesNothing() throws Exception {
        Path socket = serve();

        ConnectionWarmUp warmUp = ConnectionWarmUp.start(socket, 0, Duration.ZERO);

        assertThat(warmUp.done().toCompletableFuture().get(1, TimeUnit.SECONDS)).isZero();
        assertThat(seen).isEmpty();
    }
}
