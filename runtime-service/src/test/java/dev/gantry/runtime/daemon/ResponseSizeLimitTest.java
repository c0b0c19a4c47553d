package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.cri.v1.RuntimeServiceGrpc;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResponseSizeLimitTest {

    /** Answers Version with a runtime_version as long as the request's version field says. */
    private static final class Echo extends RuntimeServiceGrpc.RuntimeServiceImplBase {
        @Override
        public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
            response.onNext(VersionResponse.newBuilder().setRuntimeVersion("v".repeat(Integer.parseInt(request.getVersion()))).build());
            response.onCompleted();
        }
    }

    private Server server;
    private ManagedChannel channel;

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub stub(int limit) throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(new Echo(), new ResponseSizeLimit(limit)))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return RuntimeServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void response_withinLimit_isSent() throws Exception {
        var stub = stub(2048);

        assertThat(stub.version(VersionRequest.newBuilder().setVersion("1000").build()).getRuntimeVersion()).hasSize(1000);
    }

    @Test
    void response_overLimit_isResourceExhaustedNamingSizes() throws Exception {
        var stub = stub(2048);

        var e = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.version(VersionRequest.newBuilder().setVersion("5000").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(e.getStatus().getDescription())
                .isEqualTo("Version: response of 5003 bytes exceeds grpc.max_send_message_size (2048 bytes)");
    }
}
