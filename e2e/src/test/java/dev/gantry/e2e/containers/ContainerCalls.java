package dev.gantry.e2e.containers;

import dev.gantry.cri.v1.Container;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerFilter;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.ContainerStatusRequest;
import dev.gantry.cri.v1.ContainerStatusResponse;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.ExecSyncRequest;
import dev.gantry.cri.v1.ExecSyncResponse;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.cri.v1.ListContainersRequest;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.RemoveContainerRequest;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.ReopenContainerLogRequest;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.StartContainerRequest;
import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.cri.v1.StreamContainersRequest;
import dev.gantry.cri.v1.StreamContainersResponse;
import dev.gantry.cri.v1.UpdateContainerResourcesRequest;
import dev.gantry.e2e.client.CriClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The container calls of RuntimeService as the kubelet makes them, and waits for a container's state. */
public class ContainerCalls {

    /** How long any wait for a container condition may take: generous, these tests never assert timing. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final CriClient client;

    public ContainerCalls(CriClient client) {
        this.client = client;
    }

    String runPod(PodSandboxConfig config) {
        return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    void stopPod(String id) {
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    void removePod(String id) {
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    public String create(String podId, ContainerConfig config, PodSandboxConfig podConfig) {
        return client.runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId).setConfig(config).setSandboxConfig(podConfig).build()).getContainerId();
    }

    public void start(String id) {
        client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    }

    /** Create and start. */
    public String run(String podId, ContainerConfig config, PodSandboxConfig podConfig) {
        String id = create(podId, config, podConfig);
        start(id);
        return id;
    }

    void stop(String id, long timeoutSeconds) {
        // the call lasts as long as the grace period; give the stub that much more (a day at most: no overflow)
        client.runtime().withDeadlineAfter(Math.min(Math.max(timeoutSeconds, 0), 86_400) + 60, TimeUnit.SECONDS)
                .stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(timeoutSeconds).build());
    }

    void remove(String id) {
        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
    }

    public ContainerStatus status(String id) {
        return client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    ContainerStatusResponse verboseStatus(String id) {
        return client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build());
    }

    ContainerInfo info(String id) {
        return ContainerInfo.of(verboseStatus(id));
    }

    List<Container> list() {
        return list(ContainerFilter.getDefaultInstance());
    }

    List<Container> list(ContainerFilter filter) {
        return client.runtime().listContainers(ListContainersRequest.newBuilder().setFilter(filter).build()).getContainersList();
    }

    /** Every container of every batch of StreamContainers. */
    List<Container> stream(ContainerFilter filter) {
        List<Container> all = new ArrayList<>();
        Iterator<StreamContainersResponse> batches = client.runtime()
                .streamContainers(StreamContainersRequest.newBuilder().setFilter(filter).build());
        batches.forEachRemaining(batch -> all.addAll(batch.getContainersList()));
        return all;
    }

    void update(String id, LinuxContainerResources resources) {
        client.runtime().updateContainerResources(UpdateContainerResourcesRequest.newBuilder()
                .setContainerId(id).setLinux(resources).build());
    }

    /** ExecSync with {@code timeoutSeconds} (0: none); the stub waits that much and a minute more, as the kubelet's does. */
    ExecSyncResponse execSync(String id, long timeoutSeconds, String... cmd) {
        return client.runtime().withDeadlineAfter(timeoutSeconds + 60, TimeUnit.SECONDS)
                .execSync(ExecSyncRequest.newBuilder().setContainerId(id).addAllCmd(List.of(cmd)).setTimeout(timeoutSeconds).build());
    }

    void reopenLog(String id) {
        client.runtime().reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(id).build());
    }

    /** Polls ContainerStatus until {@code state}; fails with the last status after {@link #WAIT}. */
    public ContainerStatus awaitState(String id, ContainerState state) {
        return await(id, s -> s.getState() == state, "state " + state);
    }

    public ContainerStatus awaitExit(String id) {
        return awaitState(id, ContainerState.CONTAINER_EXITED);
    }

    ContainerStatus await(String id, Predicate<ContainerStatus> condition, String what) {
        Instant giveUp = Instant.now().plus(WAIT);
        while (true) {
            ContainerStatus status = status(id);
            if (condition.test(status)) {
                return status;
            }
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("container " + id + " not in " + what + " after " + WAIT + "; last status:\n" + status);
            }
            Waits.pause();
        }
    }
}
