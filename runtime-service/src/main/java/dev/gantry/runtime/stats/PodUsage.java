package dev.gantry.runtime.stats;

import dev.gantry.linux.cgroup.CgroupUsage;
import dev.gantry.linux.net.InterfaceCounters;
import dev.gantry.sandbox.PodSandbox;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One pod's resource use at {@code at}.
 *
 * @param cgroup     the pod cgroup's figures (its containers' summed when the pod has no cgroup parent of its own)
 * @param network    interface counters in the pod's netns; empty for host network or a pod that is not ready
 * @param containers every container of the pod, exited ones included
 */
public record PodUsage(PodSandbox pod, Instant at, Optional<CgroupUsage> cgroup, long nanoCores,
                       Optional<List<InterfaceCounters>> network, List<ContainerUsage> containers) {

    /** The pod's default interface (the one CNI made, eth0 unless told otherwise), if it has it. */
    public Optional<InterfaceCounters> defaultInterface() {
        String name = pod.network().interfaceName().isEmpty() ? "eth0" : pod.network().interfaceName();
        return network.flatMap(all -> all.stream().filter(i -> i.name().equals(name)).findFirst());
    }
}
