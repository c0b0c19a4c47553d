package dev.gantry.runtime.rpc;

import dev.gantry.cri.rpc.Streaming;
import dev.gantry.cri.rpc.Unary;
import dev.gantry.cri.v1.ListPodSandboxRequest;
import dev.gantry.cri.v1.ListPodSandboxResponse;
import dev.gantry.cri.v1.PodSandboxStatusRequest;
import dev.gantry.cri.v1.PodSandboxStatusResponse;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.RemovePodSandboxResponse;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.RunPodSandboxResponse;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.cri.v1.StopPodSandboxResponse;
import dev.gantry.cri.v1.StreamPodSandboxesRequest;
import dev.gantry.cri.v1.StreamPodSandboxesResponse;
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

    /** Sandboxes per StreamPodSandboxes message: a few hundred bytes each, far below the message limit. */
    private static final int STREAM_BATCH = 500;

    /** The pod sandbox RPCs, grouped so the constructor stays readable. */
    public record SandboxRpcs(RunPodSandboxRpc run, StopPodSandboxRpc stop, RemovePodSandboxRpc remove,
                              PodSandboxStatusRpc status, ListPodSandboxRpc list) {}

    private final VersionRpc version;
    private final StatusRpc status;
    private final RuntimeConfigRpc runtimeConfig;
    private final SandboxRpcs sandboxes;

    public RuntimeServiceEndpoint(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig, SandboxRpcs sandboxes) {
        this.version = version;
        this.status = status;
        this.runtimeConfig = runtimeConfig;
        this.sandboxes = sandboxes;
    }

    @Override
    public void runPodSandbox(RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> response) {
        Unary.call("RunPodSandbox", request.getConfig().getMetadata().getName(), response, () -> sandboxes.run().handle(request));
    }

    @Override
    public void stopPodSandbox(StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> response) {
        Unary.call("StopPodSandbox", request.getPodSandboxId(), response, () -> sandboxes.stop().handle(request));
    }

    @Override
    public void removePodSandbox(RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> response) {
        Unary.call("RemovePodSandbox", request.getPodSandboxId(), response, () -> sandboxes.remove().handle(request));
    }

    @Override
    public void podSandboxStatus(PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> response) {
        Unary.call("PodSandboxStatus", request.getPodSandboxId(), response, () -> sandboxes.status().handle(request));
    }

    @Override
    public void listPodSandbox(ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> response) {
        Unary.call("ListPodSandbox", "", response,
                () -> ListPodSandboxResponse.newBuilder().addAllItems(sandboxes.list().handle(request.getFilter())).build());
    }

    @Override
    public void streamPodSandboxes(StreamPodSandboxesRequest request, StreamObserver<StreamPodSandboxesResponse> response) {
        Streaming.call("StreamPodSandboxes", response, STREAM_BATCH, () -> sandboxes.list().handle(request.getFilter()),
                batch -> StreamPodSandboxesResponse.newBuilder().addAllPodSandboxes(batch).build());
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
