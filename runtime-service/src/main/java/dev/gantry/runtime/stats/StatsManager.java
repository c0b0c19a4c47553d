package dev.gantry.runtime.stats;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gantry.linux.cgroup.CgroupStats;
import dev.gantry.linux.cgroup.CgroupUsage;
import dev.gantry.linux.fs.StatFileReader;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerFilter;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.SandboxManager;
import dev.gantry.sandbox.SandboxStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Container and pod resource use for the stats and metrics RPCs, answered from memory plus a few
 * small kernel files per container: which containers and pods exist comes from the managers'
 * in-memory records, figures from their cgroups, the writable layer from {@link WritableLayers}'
 * cache. Every call samples afresh; nothing is collected while nobody asks.
 *
 * <p>A container that exits while it is being measured (its cgroup gone) is left out of a list, and
 * reported without cgroup figures when asked for alone; neither is an error.
 */
public final class StatsManager {

    private final ContainerManager containers;
    private final SandboxManager sandboxes;
    private final CgroupStats cgroups;
    private final WritableLayers layers;
    private final PodNetworkReader network;
    private final CpuRates rates;
    private final Clock clock;
    private final Path layersMountpoint;
    /** How long one stats call may wait, in all, for first measurements of new containers' layers. */
    private static final Duration FIRST_LAYER_WAIT = Duration.ofMillis(100);
    /**
     * The kept-open files of each live cgroup asked about, so a sample builds no paths and opens no
     * files; closed when its container or pod is seen stopped or its cgroup gone, or after ten
     * minutes unasked (a container removed between two asks).
     */
    private final Cache<String, CgroupStats.Files> files = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10)).executor(Runnable::run)
            .<String, CgroupStats.Files>removalListener((path, kept, cause) -> {
                if (kept != null) {
                    kept.close();
                }
            })
            .build();

    /**
     * @param layersMountpoint the filesystem the writable layers are on, as ImageFsInfo names it for
     *     the container filesystem; the kubelet finds the device from it
     */
    public StatsManager(ContainerManager containers, SandboxManager sandboxes, CgroupStats cgroups, WritableLayers layers,
                        NamespaceRunner runner, Clock clock, Path layersMountpoint) {
        this.containers = containers;
        this.sandboxes = sandboxes;
        this.cgroups = cgroups;
        this.layers = layers;
        this.network = new PodNetworkReader(runner);
        this.rates = new CpuRates(clock);
        this.clock = clock;
        this.layersMountpoint = layersMountpoint;
    }

    public Path layersMountpoint() {
        return layersMountpoint;
    }

    /** ContainerStats; NOT_FOUND for an unknown id. */
    public ContainerUsage container(String idOrPrefix) {
        Container c = containers.status(idOrPrefix);
        return sample(c, new StatFileReader(), new LayerBudget()).orElseGet(() -> new ContainerUsage(c, clock.instant(), Optional.empty(), 0,
                layers.usage(c.id())));
    }

    /** ListContainerStats: every visible container matching {@code filter}, exited ones included. */
    public List<ContainerUsage> containers(ContainerFilter filter) {
        StatFileReader reader = new StatFileReader();
        List<Container> listed = sorted(containers.list(filter));
        layers.request(listed.stream().map(Container::id).toList());
        LayerBudget budget = new LayerBudget();
        List<ContainerUsage> usage = new ArrayList<>();
        for (Container c : listed) {
            sample(c, reader, budget).ifPresent(usage::add);
        }
        return usage;
    }

    /** PodSandboxStats; NOT_FOUND for an unknown id. */
    public PodUsage pod(String idOrPrefix) {
        PodSandbox pod = sandboxes.status(idOrPrefix);
        return sample(pod, containers.list(podFilter(pod.id())), new StatFileReader(), new LayerBudget());
    }

    /** ListPodSandboxStats: every visible pod matching {@code filter}. */
    public List<PodUsage> pods(SandboxStore.Filter filter) {
        StatFileReader reader = new StatFileReader();
        List<Container> all = containers.list(ContainerFilter.all());
        layers.request(all.stream().map(Container::id).toList());
        LayerBudget budget = new LayerBudget();
        Map<String, List<Container>> byPod = all.stream().collect(Collectors.groupingBy(Container::podId));
        return sandboxes.list(filter).stream()
                .sorted(Comparator.comparing(PodSandbox::createdAt))
                .map(pod -> sample(pod, byPod.getOrDefault(pod.id(), List.of()), reader, budget))
                .toList();
    }

    /** The container's figures; empty when it was live but its cgroup vanished while we read it. */
    private Optional<ContainerUsage> sample(Container c, StatFileReader reader, LayerBudget budget) {
        Optional<LayerUsage> layer = budget.usage(c.id());
        if (!c.state().isLive() || !c.cgroupsPath().startsWith("/")) {
            // Exited: its cgroup is gone. A systemd slice:prefix:name path is not read here (cgroupfs only).
            files.invalidate(c.cgroupsPath());
            return Optional.of(new ContainerUsage(c, clock.instant(), Optional.empty(), 0, layer));
        }
        Instant at = clock.instant();
        Optional<CgroupUsage> usage = read(c.cgroupsPath(), reader);
        if (usage.isEmpty()) {
            return Optional.empty();
        }
        long nanoCores = usage.get().hasCpu() ? rates.nanoCores(c.id(), at, usage.get().cpuNanos()) : 0;
        return Optional.of(new ContainerUsage(c, at, usage, nanoCores, layer));
    }

    private PodUsage sample(PodSandbox pod, List<Container> members, StatFileReader reader, LayerBudget budget) {
        List<ContainerUsage> usage = new ArrayList<>();
        for (Container c : sorted(members)) {
            sample(c, reader, budget).ifPresent(usage::add);
        }
        Instant at = clock.instant();
        Optional<CgroupUsage> cgroup;
        if (pod.cgroupParent().startsWith("/")) {
            if (pod.isReady()) {
                cgroup = read(pod.cgroupParent(), reader);
            } else {
                files.invalidate(pod.cgroupParent());
                cgroup = Optional.empty();
            }
        } else {
            cgroup = PodCgroup.sum(usage.stream().flatMap(u -> u.cgroup().stream()).toList());
        }
        long nanoCores = cgroup.filter(CgroupUsage::hasCpu).map(u -> rates.nanoCores("pod " + pod.id(), at, u.cpuNanos())).orElse(0L);
        List<Long> pids = new ArrayList<>();
        pod.infra().ifPresent(infra -> pids.add(infra.pid()));
        members.stream().filter(c -> c.state() instanceof ContainerState.Running && c.pid() > 0).forEach(c -> pids.add(c.pid()));
        var counters = network.read(pod, pids, pid -> sameNetns(pid, pod), reader);
        return new PodUsage(pod, at, cgroup, nanoCores, counters, usage);
    }

    /** One sample of the cgroup at {@code path}; empty, and its files dropped, once it is gone. */
    private Optional<CgroupUsage> read(String path, StatFileReader reader) {
        Optional<CgroupUsage> usage = cgroups.read(files.get(path, cgroups::files), reader);
        if (usage.isEmpty()) {
            files.invalidate(path);
        }
        return usage;
    }

    /** Whether process {@code pid} is in the pod's pinned netns: pids are reused, namespaces' inodes are not while pinned. */
    private static boolean sameNetns(long pid, PodSandbox pod) {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/net")).toString(); // net:[4026532481]
            Object pinned = Files.getAttribute(Path.of(pod.network().namespacePath()), "unix:ino");
            return link.equals("net:[" + pinned + "]");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * One call's allowance for waiting on first layer measurements, spent as it goes (measured on the
     * injected clock), so a list of many new containers waits {@link #FIRST_LAYER_WAIT} at most in all.
     */
    private final class LayerBudget {
        private final Instant end = clock.instant().plus(FIRST_LAYER_WAIT);

        Optional<LayerUsage> usage(String id) {
            Duration left = Duration.between(clock.instant(), end);
            return layers.usage(id, left.isNegative() ? Duration.ZERO : left);
        }
    }

    private static ContainerFilter podFilter(String podId) {
        return new ContainerFilter(Optional.empty(), Optional.empty(), Optional.of(podId), Map.of());
    }

    private static List<Container> sorted(List<Container> list) {
        return list.stream().sorted(Comparator.comparing(Container::createdAt)).toList();
    }
}
