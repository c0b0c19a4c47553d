package dev.gantry.runtime.rpc;

import dev.gantry.cri.rpc.Unary;
import dev.gantry.cri.v1.RuntimeConfigRequest;
import dev.gantry.cri.v1.RuntimeConfigResponse;
import dev.gantry.cri.v1.RuntimeServiceGrpc;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.StatusResponse;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;
import io.grpc.stub.StreamObserver;

/**
 * The CRI RuntimeService as served on the socket. Each method hands its request to one
 * {@code *Rpc} through {@link Unary}; RPCs not overridden here answer UNIMPLEMENTED with their
 * full name (grpc-java's default), until their issue lands.
 */
public final class RuntimeServiceEndpoint extends RuntimeServiceGrpc.RuntimeServiceImplBase {

    private final VersionRpc version;
    private final StatusRpc status;
    private final RuntimeConfigRpc runtimeConfig;

    public RuntimeServiceEndpoint(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig) {
        this.version = version;
        this.status = status;
        this.runtimeConfig = runtimeConfig;
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
        Unary.call("Version", "", response, () -> version.handle(request));
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
        Unary.call("Status", "", response, () -> status.handle(request));
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> response) {
        Unary.call("RuntimeConfig", "", response, () -> runtimeConfig.handle(request));
    }
}
