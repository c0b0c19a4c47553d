package dev.gantry.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.cri.v1.ImageFsInfoRequest;
import dev.gantry.cri.v1.ImageFsInfoResponse;
import dev.gantry.cri.v1.ImageServiceGrpc;
import dev.gantry.cri.v1.RuntimeServiceGrpc;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.StatusResponse;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;
import dev.gantry.runtime.daemon.CriCallInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interceptor on a real gRPC server (in-process): every call counted once by method and final code. */
class CriCallMetricsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final Metrics metrics = Metrics.forTest(nanos::get);
    private Server server;
    private ManagedChannel channel;

    /** Version answers after 3 ms; Status fails NOT_FOUND; everything else is grpc-java's UNIMPLEMENTED. */
    private final class Runtime extends RuntimeServiceGrpc.RuntimeServiceImplBase {
        @Override
        public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
            nanos.addAndGet(3_000_000);
            response.onNext(VersionResponse.newBuilder().setRuntimeName("gantry").build());
            response.onCompleted();
        }

        @Override
        public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
            response.onError(Status.NOT_FOUND.withDescription("nothing").asRuntimeException());
        }
    }

    private static final class Images extends ImageServiceGrpc.ImageServiceImplBase {
        @Override
        public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> response) {
            response.onNext(ImageFsInfoResponse.getDefaultInstance());
            response.onCompleted();
        }
    }

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new Runtime())
                .addService(new Images())
                .intercept(new CriCallInterceptor(metrics.criCalls()))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private List<String> lines() {
        return metrics.scrapeText().lines().toList();
    }

    @Test
    void calls_countedByMethodAndCode_acrossBothServices() {
        var runtime = RuntimeServiceGrpc.newBlockingStub(channel);
        var images = ImageServiceGrpc.newBlockingStub(channel);
        for (int i = 0; i < 3; i++) {
            runtime.version(VersionRequest.getDefaultInstance());
        }
        assertThatThrownBy(() -> runtime.status(StatusRequest.getDefaultInstance()))
                .isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> runtime.runtimeConfig(dev.gantry.cri.v1.RuntimeConfigRequest.getDefaultInstance()))
                .isInstanceOf(StatusRuntimeException.class);
        images.imageFsInfo(ImageFsInfoRequest.getDefaultInstance());

        assertThat(lines()).contains(
                "gantry_cri_requests_total{code=\"OK\",method=\"Version\"} 3.0",
                "gantry_cri_requests_total{code=\"NOT_FOUND\",method=\"Status\"} 1.0",
                "gantry_cri_requests_total{code=\"UNIMPLEMENTED\",method=\"RuntimeConfig\"} 1.0",
                "gantry_cri_requests_total{code=\"OK\",method=\"ImageFsInfo\"} 1.0");
    }

    @Test
    void callsMarkedAsTheDaemonsOwnWarmUp_areNotCounted() {
        Metadata mark = new Metadata();
        mark.put(Metadata.Key.of("gantry-warm-up", Metadata.ASCII_STRING_MARSHALLER), "1");
        var warmUp = RuntimeServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(mark));
        warmUp.version(VersionRequest.getDefaultInstance());
        warmUp.version(VersionRequest.getDefaultInstance());
        RuntimeServiceGrpc.newBlockingStub(channel).version(VersionRequest.getDefaultInstance());

        assertThat(lines()).contains("gantry_cri_requests_total{code=\"OK\",method=\"Version\"} 1.0",
                "gantry_cri_request_duration_seconds_count{method=\"Version\"} 1");
    }

    /** One Version call through {@code metrics}' interceptor, for tests that only need a CRI call counted. */
    static void callVersion(Metrics metrics) {
        var test = new CriCallMetricsTest();
        try {
            String name = InProcessServerBuilder.generateName();
            Server server = InProcessServerBuilder.forName(name).directExecutor()
                    .addService(test.new Runtime()).intercept(new CriCallInterceptor(metrics.criCalls())).build().start();
            ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
            try {
                RuntimeServiceGrpc.newBlockingStub(channel).version(VersionRequest.getDefaultInstance());
            } finally {
                channel.shutdownNow();
                server.shutdownNow();
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void duration_observedPerMethod_inSeconds() {
        RuntimeServiceGrpc.newBlockingStub(channel).version(VersionRequest.getDefaultInstance());

        assertThat(lines()).contains(
                "gantry_cri_request_duration_seconds_bucket{method=\"Version\",le=\"0.0025\"} 0",
                "gantry_cri_request_duration_seconds_bucket{method=\"Version\",le=\"0.005\"} 1",
                "gantry_cri_request_duration_seconds_count{method=\"Version\"} 1",
                "gantry_cri_request_duration_seconds_sum{method=\"Version\"} 0.003");
    }
}
