package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.PodSandboxStats;
import dev.gantry.cri.v1.PodSandboxStatsFilter;
import dev.gantry.cri.v1.PodSandboxStatsRequest;
import dev.gantry.cri.v1.PodSandboxStatsResponse;
import dev.gantry.runtime.stats.StatsManager;
import dev.gantry.sandbox.SandboxStore;
import java.util.List;
import java.util.Optional;

/** PodSandboxStats, ListPodSandboxStats and StreamPodSandboxStats: by id (or prefix) and labels. */
public final class PodSandboxStatsRpc {

    private final StatsManager stats;
    private final StatsMessages messages;

    public PodSandboxStatsRpc(StatsManager stats) {
        this.stats = stats;
        this.messages = new StatsMessages(stats.layersMountpoint());
    }

    PodSandboxStatsResponse handle(PodSandboxStatsRequest request) {
        RequestChecks.id("PodSandboxStats", "pod_sandbox_id", request.getPodSandboxId());
        return PodSandboxStatsResponse.newBuilder()
                .setStats(messages.pod(stats.pod(request.getPodSandboxId())))
                .build();
    }

    List<PodSandboxStats> list(PodSandboxStatsFilter filter) {
        var domain = new SandboxStore.Filter(filter.getId().isEmpty() ? Optional.empty() : Optional.of(filter.getId()),
                Optional.empty(), filter.getLabelSelectorMap());
        return stats.pods(domain).stream().map(messages::pod).toList();
    }
}
