package dev.gantry.runtime.rpc;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.rpc.InlineCalls;
import dev.gantry.cri.rpc.Streaming;
import dev.gantry.cri.rpc.Unary;
import dev.gantry.cri.v1.AttachRequest;
import dev.gantry.cri.v1.AttachResponse;
import dev.gantry.cri.v1.CheckpointContainerRequest;
import dev.gantry.cri.v1.CheckpointContainerResponse;
import dev.gantry.cri.v1.ContainerEventResponse;
import dev.gantry.cri.v1.ExecRequest;
import dev.gantry.cri.v1.ExecResponse;
import dev.gantry.cri.v1.PortForwardRequest;
import dev.gantry.cri.v1.PortForwardResponse;
import dev.gantry.cri.v1.ContainerStatusRequest;
import dev.gantry.cri.v1.ContainerStatusResponse;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.CreateContainerResponse;
import dev.gantry.cri.v1.ExecSyncRequest;
import dev.gantry.cri.v1.ExecSyncResponse;
import dev.gantry.cri.v1.GetEventsRequest;
import dev.gantry.cri.v1.ListContainersRequest;
import dev.gantry.cri.v1.ListContainersResponse;
import dev.gantry.cri.v1.RemoveContainerRequest;
import dev.gantry.cri.v1.RemoveContainerResponse;
import dev.gantry.cri.v1.ReopenContainerLogRequest;
import dev.gantry.cri.v1.ReopenContainerLogResponse;
import dev.gantry.cri.v1.StartContainerRequest;
import dev.gantry.cri.v1.StartContainerResponse;
import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.StopContainerResponse;
import dev.gantry.cri.v1.StreamContainersRequest;
import dev.gantry.cri.v1.StreamContainersResponse;
import dev.gantry.cri.v1.UpdateContainerResourcesRequest;
import dev.gantry.cri.v1.UpdateContainerResourcesResponse;
import dev.gantry.cri.v1.UpdatePodSandboxResourcesRequest;
import dev.gantry.cri.v1.UpdatePodSandboxResourcesResponse;
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
import dev.gantry.cri.v1.UpdateRuntimeConfigRequest;
import dev.gantry.cri.v1.UpdateRuntimeConfigResponse;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;
import dev.gantry.cri.v1.ContainerStatsRequest;
import dev.gantry.cri.v1.ContainerStatsResponse;
import dev.gantry.cri.v1.ListContainerStatsRequest;
import dev.gantry.cri.v1.ListContainerStatsResponse;
import dev.gantry.cri.v1.ListMetricDescriptorsRequest;
import dev.gantry.cri.v1.ListMetricDescriptorsResponse;
import dev.gantry.cri.v1.ListPodSandboxMetricsRequest;
import dev.gantry.cri.v1.ListPodSandboxMetricsResponse;
import dev.gantry.cri.v1.ListPodSandboxStatsRequest;
import dev.gantry.cri.v1.ListPodSandboxStatsResponse;
import dev.gantry.cri.v1.PodSandboxStatsRequest;
import dev.gantry.cri.v1.PodSandboxStatsResponse;
import dev.gantry.cri.v1.StreamContainerStatsRequest;
import dev.gantry.cri.v1.StreamContainerStatsResponse;
import dev.gantry.cri.v1.StreamPodSandboxMetricsRequest;
import dev.gantry.cri.v1.StreamPodSandboxMetricsResponse;
import dev.gantry.cri.v1.StreamPodSandboxStatsRequest;
import dev.gantry.cri.v1.StreamPodSandboxStatsResponse;
import io.grpc.stub.StreamObserver;
import org.jspecify.annotations.Nullable;

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

    /** The container RPCs, grouped so the constructor stays readable. */
    public record ContainerRpcs(CreateContainerRpc create, StartContainerRpc start, StopContainerRpc stop,
                                RemoveContainerRpc remove, ContainerStatusRpc status, ListContainersRpc list,
                                UpdateContainerResourcesRpc update, ReopenContainerLogRpc reopenLog,
                                ContainerEventsRpc events, UpdatePodSandboxResourcesRpc updatePod, ExecSyncRpc execSync) {}

    /** The streaming RPCs: each returns a URL on the streaming server. */
    public record StreamRpcs(ExecRpc exec, AttachRpc attach, PortForwardRpc portForward) {}

    /** The stats and metrics RPCs. */
    public record StatsRpcs(ContainerStatsRpc containers, PodSandboxStatsRpc pods, PodSandboxMetricsRpc metrics) {}

    /** Stats per stream batch: a pod's stats with its containers are a few KiB, far below the message limit. */
    private static final int STATS_BATCH = 100;

    private final VersionRpc version;
    private final StatusRpc status;
    private final RuntimeConfigRpc runtimeConfig;
    private final SandboxRpcs sandboxes;
    private final ContainerRpcs containers;
    private final StreamRpcs streams;
    private final StatsRpcs stats;
    /** Null in tests that build the endpoint without it: the RPC then answers UNIMPLEMENTED. */
    private final @Nullable UpdateRuntimeConfigRpc updateRuntimeConfig;

    public RuntimeServiceEndpoint(VersionRpc version, StatusRpc status, RuntimeConfigRpc runtimeConfig, SandboxRpcs sandboxes,
                                  ContainerRpcs containers, StreamRpcs streams, StatsRpcs stats,
                                  @Nullable UpdateRuntimeConfigRpc updateRuntimeConfig) {
        this.stats = stats;
        this.updateRuntimeConfig = updateRuntimeConfig;
        this.version = version;
        this.status = status;
        this.runtimeConfig = runtimeConfig;
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.streams = streams;
    }

    @Override
    public void exec(ExecRequest request, StreamObserver<ExecResponse> response) {
        Unary.call("Exec", request.getContainerId(), response, () -> streams.exec().handle(request));
    }

    @Override
    public void attach(AttachRequest request, StreamObserver<AttachResponse> response) {
        Unary.call("Attach", request.getContainerId(), response, () -> streams.attach().handle(request));
    }

    @Override
    public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> response) {
        Unary.call("PortForward", request.getPodSandboxId(), response, () -> streams.portForward().handle(request));
    }

    @Override
    public void createContainer(CreateContainerRequest request, StreamObserver<CreateContainerResponse> response) {
        Unary.call("CreateContainer", request.getConfig().getMetadata().getName(), response, () -> containers.create().handle(request));
    }

    @Override
    public void startContainer(StartContainerRequest request, StreamObserver<StartContainerResponse> response) {
        Unary.call("StartContainer", request.getContainerId(), response, () -> containers.start().handle(request));
    }

    @Override
    public void stopContainer(StopContainerRequest request, StreamObserver<StopContainerResponse> response) {
        Unary.call("StopContainer", request.getContainerId(), response, () -> containers.stop().handle(request));
    }

    @Override
    public void removeContainer(RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> response) {
        Unary.call("RemoveContainer", request.getContainerId(), response, () -> containers.remove().handle(request));
    }

    @Override
    public void containerStatus(ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> response) {
        // verbose reads the bundle's config.json
        InlineCalls.run(request.getVerbose(), "cri-verbose-status",
                () -> Unary.call("ContainerStatus", request.getContainerId(), response, () -> containers.status().handle(request)));
    }

    @Override
    public void listContainers(ListContainersRequest request, StreamObserver<ListContainersResponse> response) {
        Unary.call("ListContainers", "", response,
                () -> ListContainersResponse.newBuilder().addAllContainers(containers.list().handle(request.getFilter())).build());
    }

    @Override
    public void streamContainers(StreamContainersRequest request, StreamObserver<StreamContainersResponse> response) {
        Streaming.call("StreamContainers", response, STREAM_BATCH, () -> containers.list().handle(request.getFilter()),
                batch -> StreamContainersResponse.newBuilder().addAllContainers(batch).build());
    }

    @Override
    public void updateContainerResources(UpdateContainerResourcesRequest request, StreamObserver<UpdateContainerResourcesResponse> response) {
        Unary.call("UpdateContainerResources", request.getContainerId(), response, () -> containers.update().handle(request));
    }

    @Override
    public void reopenContainerLog(ReopenContainerLogRequest request, StreamObserver<ReopenContainerLogResponse> response) {
        Unary.call("ReopenContainerLog", request.getContainerId(), response, () -> containers.reopenLog().handle(request));
    }

    /** Checkpoint and restore need CRIU, which this runtime does not drive (and which fails on some kernels). */
    @Override
    public void checkpointContainer(CheckpointContainerRequest request,
                                    StreamObserver<CheckpointContainerResponse> response) {
        Unary.call("CheckpointContainer", request.getContainerId(), response, () -> {
            throw new GantryException(ErrorKind.UNIMPLEMENTED,
                    "CheckpointContainer: checkpointing needs CRIU, which Gantry does not support yet");
        });
    }

    @Override
    public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> response) {
        Unary.call("ExecSync", request.getContainerId(), response, () -> containers.execSync().handle(request));
    }

    @Override
    public void getContainerEvents(GetEventsRequest request, StreamObserver<ContainerEventResponse> response) {
        containers.events().handle(response);
    }

    @Override
    public void updatePodSandboxResources(UpdatePodSandboxResourcesRequest request, StreamObserver<UpdatePodSandboxResourcesResponse> response) {
        Unary.call("UpdatePodSandboxResources", request.getPodSandboxId(), response, () -> containers.updatePod().handle(request));
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
        // verbose reads the pod's CNI result
        InlineCalls.run(request.getVerbose(), "cri-verbose-status",
                () -> Unary.call("PodSandboxStatus", request.getPodSandboxId(), response, () -> sandboxes.status().handle(request)));
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
    public void updateRuntimeConfig(UpdateRuntimeConfigRequest request, StreamObserver<UpdateRuntimeConfigResponse> response) {
        if (updateRuntimeConfig == null) {
            super.updateRuntimeConfig(request, response);
            return;
        }
        Unary.call("UpdateRuntimeConfig", request.getRuntimeConfig().getNetworkConfig().getPodCidr(), response,
                () -> updateRuntimeConfig.handle(request));
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> response) {
        Unary.call("RuntimeConfig", "", response, () -> runtimeConfig.handle(request));
    }

    @Override
    public void containerStats(ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> response) {
        Unary.call("ContainerStats", request.getContainerId(), response, () -> stats.containers().handle(request));
    }

    @Override
    public void listContainerStats(ListContainerStatsRequest request, StreamObserver<ListContainerStatsResponse> response) {
        Unary.call("ListContainerStats", "", response,
                () -> ListContainerStatsResponse.newBuilder().addAllStats(stats.containers().list(request.getFilter())).build());
    }

    @Override
    public void streamContainerStats(StreamContainerStatsRequest request, StreamObserver<StreamContainerStatsResponse> response) {
        Streaming.call("StreamContainerStats", response, STATS_BATCH, () -> stats.containers().list(request.getFilter()),
                batch -> StreamContainerStatsResponse.newBuilder().addAllContainerStats(batch).build());
    }

    @Override
    public void podSandboxStats(PodSandboxStatsRequest request, StreamObserver<PodSandboxStatsResponse> response) {
        Unary.call("PodSandboxStats", request.getPodSandboxId(), response, () -> stats.pods().handle(request));
    }

    @Override
    public void listPodSandboxStats(ListPodSandboxStatsRequest request, StreamObserver<ListPodSandboxStatsResponse> response) {
        Unary.call("ListPodSandboxStats", "", response,
                () -> ListPodSandboxStatsResponse.newBuilder().addAllStats(stats.pods().list(request.getFilter())).build());
    }

    @Override
    public void streamPodSandboxStats(StreamPodSandboxStatsRequest request, StreamObserver<StreamPodSandboxStatsResponse> response) {
        Streaming.call("StreamPodSandboxStats", response, STATS_BATCH, () -> stats.pods().list(request.getFilter()),
                batch -> StreamPodSandboxStatsResponse.newBuilder().addAllPodSandboxStats(batch).build());
    }

    @Override
    public void listMetricDescriptors(ListMetricDescriptorsRequest request, StreamObserver<ListMetricDescriptorsResponse> response) {
        Unary.call("ListMetricDescriptors", "", response, () -> stats.metrics().descriptors());
    }

    @Override
    public void listPodSandboxMetrics(ListPodSandboxMetricsRequest request, StreamObserver<ListPodSandboxMetricsResponse> response) {
        Unary.call("ListPodSandboxMetrics", "", response,
                () -> ListPodSandboxMetricsResponse.newBuilder().addAllPodMetrics(stats.metrics().list()).build());
    }

    @Override
    public void streamPodSandboxMetrics(StreamPodSandboxMetricsRequest request, StreamObserver<StreamPodSandboxMetricsResponse> response) {
        Streaming.call("StreamPodSandboxMetrics", response, STATS_BATCH, () -> stats.metrics().list(),
                batch -> StreamPodSandboxMetricsResponse.newBuilder().addAllPodSandboxMetrics(batch).build());
    }
}
