package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.ContainerStats;
import dev.gantry.cri.v1.ContainerStatsFilter;
import dev.gantry.cri.v1.ContainerStatsRequest;
import dev.gantry.cri.v1.ContainerStatsResponse;
import dev.gantry.runtime.container.ContainerFilter;
import dev.gantry.runtime.stats.StatsManager;
import java.util.List;
import java.util.Optional;

/** ContainerStats, ListContainerStats and StreamContainerStats: by id (or prefix), pod and labels. */
public final class ContainerStatsRpc {

    private final StatsManager stats;
    private final StatsMessages messages;

    public ContainerStatsRpc(StatsManager stats) {
        this.stats = stats;
        this.messages = new StatsMessages(stats.layersMountpoint());
    }

    ContainerStatsResponse handle(ContainerStatsRequest request) {
        RequestChecks.id("ContainerStats", "container_id", request.getContainerId());
        return ContainerStatsResponse.newBuilder()
                .setStats(messages.container(stats.container(request.getContainerId())))
                .build();
    }

    List<ContainerStats> list(ContainerStatsFilter filter) {
        var domain = new ContainerFilter(
                filter.getId().isEmpty() ? Optional.empty() : Optional.of(filter.getId()),
                Optional.empty(),
                filter.getPodSandboxId().isEmpty() ? Optional.empty() : Optional.of(filter.getPodSandboxId()),
                filter.getLabelSelectorMap());
        return stats.containers(domain).stream().map(messages::container).toList();
    }
}
