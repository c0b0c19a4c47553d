package dev.gantry.e2e.containers;

import dev.gantry.cri.v1.ContainerStats;
import dev.gantry.cri.v1.ContainerStatsFilter;
import dev.gantry.cri.v1.ContainerStatsRequest;
import dev.gantry.cri.v1.ListContainerStatsRequest;
import dev.gantry.cri.v1.ListMetricDescriptorsRequest;
import dev.gantry.cri.v1.ListPodSandboxMetricsRequest;
import dev.gantry.cri.v1.ListPodSandboxStatsRequest;
import dev.gantry.cri.v1.MetricDescriptor;
import dev.gantry.cri.v1.PodSandboxMetrics;
import dev.gantry.cri.v1.PodSandboxStats;
import dev.gantry.cri.v1.PodSandboxStatsFilter;
import dev.gantry.cri.v1.PodSandboxStatsRequest;
import dev.gantry.cri.v1.StreamContainerStatsRequest;
import dev.gantry.e2e.client.CriClient;
import java.util.ArrayList;
import java.util.List;

/** The stats and metrics calls of RuntimeService as the kubelet (and crictl stats) make them. */
final class StatsCalls {

    private final CriClient client;

    StatsCalls(CriClient client) {
        this.client = client;
    }

    ContainerStats container(String id) {
        return client.runtime().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build()).getStats();
    }

    List<ContainerStats> containers(ContainerStatsFilter filter) {
        return client.runtime().listContainerStats(ListContainerStatsRequest.newBuilder().setFilter(filter).build()).getStatsList();
    }

    List<ContainerStats> containers() {
        return containers(ContainerStatsFilter.getDefaultInstance());
    }

    /** Every container of every batch of StreamContainerStats. */
    List<ContainerStats> streamContainers(ContainerStatsFilter filter) {
        List<ContainerStats> all = new ArrayList<>();
        client.runtime().streamContainerStats(StreamContainerStatsRequest.newBuilder().setFilter(filter).build())
                .forEachRemaining(batch -> all.addAll(batch.getContainerStatsList()));
        return all;
    }

    ContainerStats containerIn(String id) {
        return containers(ContainerStatsFilter.newBuilder().setId(id).build()).stream().findFirst()
                .orElseThrow(() -> new AssertionError("container " + id + " not in ListContainerStats"));
    }

    PodSandboxStats pod(String id) {
        return client.runtime().podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(id).build()).getStats();
    }

    List<PodSandboxStats> pods(PodSandboxStatsFilter filter) {
        return client.runtime().listPodSandboxStats(ListPodSandboxStatsRequest.newBuilder().setFilter(filter).build()).getStatsList();
    }

    List<MetricDescriptor> descriptors() {
        return client.runtime().listMetricDescriptors(ListMetricDescriptorsRequest.getDefaultInstance()).getDescriptorsList();
    }

    List<PodSandboxMetrics> metrics() {
        return client.runtime().listPodSandboxMetrics(ListPodSandboxMetricsRequest.getDefaultInstance()).getPodMetricsList();
    }
}
