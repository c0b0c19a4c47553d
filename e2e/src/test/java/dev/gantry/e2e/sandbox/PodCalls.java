package dev.gantry.e2e.sandbox;

import dev.gantry.cri.v1.ListPodSandboxRequest;
import dev.gantry.cri.v1.PodSandbox;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxFilter;
import dev.gantry.cri.v1.PodSandboxStatus;
import dev.gantry.cri.v1.PodSandboxStatusRequest;
import dev.gantry.cri.v1.PodSandboxStatusResponse;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.RuntimeCondition;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.cri.v1.StreamPodSandboxesRequest;
import dev.gantry.cri.v1.StreamPodSandboxesResponse;
import dev.gantry.e2e.client.CriClient;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The sandbox calls of RuntimeService, as the kubelet makes them. */
class PodCalls {

    static final String NETWORK_READY = "NetworkReady";

    private final CriClient client;

    PodCalls(CriClient client) {
        this.client = client;
    }

    String run(PodSandboxConfig config) {
        return run(config, "");
    }

    String run(PodSandboxConfig config, String handler) {
        return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).setRuntimeHandler(handler).build())
                .getPodSandboxId();
    }

    void stop(String id) {
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    void remove(String id) {
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    PodSandboxStatusResponse verboseStatus(String id) {
        return client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).setVerbose(true).build());
    }

    PodSandboxStatus status(String id) {
        return client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(id).build()).getStatus();
    }

    PodInfo info(String id) {
        return PodInfo.of(verboseStatus(id));
    }

    List<PodSandbox> list() {
        return list(PodSandboxFilter.getDefaultInstance());
    }

    List<PodSandbox> list(PodSandboxFilter filter) {
        return client.runtime().listPodSandbox(ListPodSandboxRequest.newBuilder().setFilter(filter).build()).getItemsList();
    }

    /** Every sandbox of every batch of StreamPodSandboxes. */
    List<PodSandbox> stream(PodSandboxFilter filter) {
        List<PodSandbox> all = new ArrayList<>();
        Iterator<StreamPodSandboxesResponse> batches = client.runtime()
                .streamPodSandboxes(StreamPodSandboxesRequest.newBuilder().setFilter(filter).build());
        batches.forEachRemaining(batch -> all.addAll(batch.getPodSandboxesList()));
        return all;
    }

    RuntimeCondition networkReady() {
        return condition(NETWORK_READY);
    }

    RuntimeCondition condition(String type) {
        return client.runtime().status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList().stream()
                .filter(c -> c.getType().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("Status has no " + type + " condition"));
    }
}
