package dev.gantry.runtime.rpc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gantry.cri.v1.ContainerAttributes;
import dev.gantry.cri.v1.ContainerMetadata;
import dev.gantry.cri.v1.ContainerStats;
import dev.gantry.cri.v1.CpuUsage;
import dev.gantry.cri.v1.FilesystemIdentifier;
import dev.gantry.cri.v1.FilesystemUsage;
import dev.gantry.cri.v1.LinuxPodSandboxStats;
import dev.gantry.cri.v1.MemoryUsage;
import dev.gantry.cri.v1.NetworkInterfaceUsage;
import dev.gantry.cri.v1.NetworkUsage;
import dev.gantry.cri.v1.PodSandboxAttributes;
import dev.gantry.cri.v1.PodSandboxStats;
import dev.gantry.cri.v1.ProcessUsage;
import dev.gantry.cri.v1.SwapUsage;
import dev.gantry.cri.v1.UInt64Value;
import dev.gantry.linux.cgroup.CgroupUsage;
import dev.gantry.linux.net.InterfaceCounters;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.stats.ContainerUsage;
import dev.gantry.runtime.stats.PodUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Container and pod usage as CRI stats messages. Figures a cgroup lacks are left unset (the
 * kubelet reads unset as unknown); a limit that is not set leaves available_bytes 0, as containerd.
 *
 * <p>The kubelet asks for every container every few seconds, and a container's attributes (id,
 * metadata, labels, annotations) never change: each is built once and reused, its serialized size
 * remembered by protobuf; one not asked for in ten minutes (its container or pod removed) is dropped.
 */
final class StatsMessages {

    private static final Duration UNASKED = Duration.ofMinutes(10);

    private final Cache<String, ContainerAttributes> containerAttributes = Caffeine.newBuilder().expireAfterAccess(UNASKED).build();
    private final Cache<String, PodSandboxAttributes> podAttributes = Caffeine.newBuilder().expireAfterAccess(UNASKED).build();
    private final FilesystemIdentifier layersFs;

    /** @param layersMountpoint the filesystem of the writable layers, as ImageFsInfo names it */
    StatsMessages(Path layersMountpoint) {
        this.layersFs = FilesystemIdentifier.newBuilder().setMountpoint(layersMountpoint.toString()).build();
    }

    ContainerStats container(ContainerUsage usage) {
        Container c = usage.container();
        long at = SandboxMessages.nanos(usage.at());
        ContainerStats.Builder stats = ContainerStats.newBuilder().setAttributes(containerAttributes.get(c.id(), id -> ContainerAttributes.newBuilder()
                .setId(id)
                .setMetadata(ContainerMetadata.newBuilder().setName(c.name()).setAttempt(c.config().getMetadata().getAttempt()))
                .putAllLabels(c.labels())
                .putAllAnnotations(c.annotations())
                .build()));
        usage.cgroup().ifPresent(cgroup -> {
            cpu(cgroup, usage.nanoCores(), at).ifPresent(stats::setCpu);
            memory(cgroup, at).ifPresent(stats::setMemory);
            if (cgroup.hasSwap()) {
                SwapUsage.Builder swap = SwapUsage.newBuilder().setTimestamp(at).setSwapUsageBytes(value(cgroup.swapUsage()));
                if (cgroup.availableSwap() != CgroupUsage.ABSENT) {
                    swap.setSwapAvailableBytes(value(cgroup.availableSwap()));
                }
                stats.setSwap(swap);
            }
        });
        // Not measured yet: zeros stamped now, as containerd answers before its snapshot sizes are known.
        long layerAt = usage.layer().map(l -> SandboxMessages.nanos(l.measuredAt())).orElse(at);
        stats.setWritableLayer(FilesystemUsage.newBuilder()
                .setTimestamp(layerAt)
                .setFsId(layersFs)
                .setUsedBytes(value(usage.layer().map(l -> l.bytes()).orElse(0L)))
                .setInodesUsed(value(usage.layer().map(l -> l.inodes()).orElse(0L))));
        return stats.build();
    }

    PodSandboxStats pod(PodUsage usage) {
        var pod = usage.pod();
        long at = SandboxMessages.nanos(usage.at());
        LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder();
        usage.cgroup().ifPresent(cgroup -> {
            cpu(cgroup, usage.nanoCores(), at).ifPresent(linux::setCpu);
            memory(cgroup, at).ifPresent(linux::setMemory);
            if (cgroup.hasProcesses()) {
                linux.setProcess(ProcessUsage.newBuilder().setTimestamp(at).setProcessCount(value(cgroup.processes())));
            }
        });
        usage.network().ifPresent(interfaces -> {
            NetworkUsage.Builder network = NetworkUsage.newBuilder().setTimestamp(at);
            InterfaceCounters main = usage.defaultInterface().orElse(null);
            for (InterfaceCounters i : interfaces) {
                if (i == main) {
                    network.setDefaultInterface(networkInterface(i));
                } else {
                    network.addInterfaces(networkInterface(i));
                }
            }
            linux.setNetwork(network);
        });
        usage.containers().forEach(c -> linux.addContainers(container(c)));
        return PodSandboxStats.newBuilder()
                .setAttributes(podAttributes.get(pod.id(), id -> PodSandboxAttributes.newBuilder()
                        .setId(id)
                        .setMetadata(SandboxMessages.metadata(pod.metadata()))
                        .putAllLabels(pod.labels())
                        .putAllAnnotations(pod.annotations())
                        .build()))
                .setLinux(linux)
                .build();
    }

    private static Optional<CpuUsage> cpu(CgroupUsage cgroup, long nanoCores, long at) {
        if (!cgroup.hasCpu()) {
            return Optional.empty();
        }
        return Optional.of(CpuUsage.newBuilder().setTimestamp(at)
                .setUsageCoreNanoSeconds(value(cgroup.cpuNanos()))
                .setUsageNanoCores(value(nanoCores))
                .build());
    }

    private static Optional<MemoryUsage> memory(CgroupUsage cgroup, long at) {
        if (!cgroup.hasMemory()) {
            return Optional.empty();
        }
        MemoryUsage.Builder memory = MemoryUsage.newBuilder().setTimestamp(at)
                .setWorkingSetBytes(value(cgroup.workingSet()))
                .setAvailableBytes(value(Math.max(0, cgroup.availableMemory())))
                .setUsageBytes(value(cgroup.memoryUsage()));
        if (cgroup.rss() != CgroupUsage.ABSENT) {
            memory.setRssBytes(value(cgroup.rss()));
        }
        if (cgroup.pageFaults() != CgroupUsage.ABSENT) {
            memory.setPageFaults(value(cgroup.pageFaults()));
        }
        if (cgroup.majorPageFaults() != CgroupUsage.ABSENT) {
            memory.setMajorPageFaults(value(cgroup.majorPageFaults()));
        }
        return Optional.of(memory.build());
    }

    private static NetworkInterfaceUsage networkInterface(InterfaceCounters i) {
        return NetworkInterfaceUsage.newBuilder().setName(i.name())
                .setRxBytes(value(i.rxBytes())).setRxErrors(value(i.rxErrors()))
                .setTxBytes(value(i.txBytes())).setTxErrors(value(i.txErrors()))
                .build();
    }

    private static UInt64Value value(long v) {
        return UInt64Value.newBuilder().setValue(Math.max(0, v)).build();
    }
}
