package dev.gantry.runtime.stats;

import dev.gantry.linux.cgroup.CgroupUsage;
import dev.gantry.linux.net.InterfaceCounters;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.sandbox.PodSandbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The cAdvisor metrics the kubelet's {@code /metrics/cadvisor} serves when the runtime provides them
 * (ListMetricDescriptors once, ListPodSandboxMetrics at every scrape). Names, help and label keys
 * are cAdvisor's, so dashboards and alerts written for cAdvisor keep working:
 *
 * <pre>
 *   container  the container's name ("POD" for the pod's own figures, as the sandbox was named)
 *   id         its cgroup path;  image  the image it runs ("" for the pod)
 *   name       the container (pod) id;  namespace, pod  the pod's namespace and name
 *   + cpu="total" on CPU time, interface on network, device on filesystem figures
 * </pre>
 *
 * Values travel as unsigned integers (the CRI's UInt64Value): second counters are whole seconds,
 * as CRI-O sends them.
 */
public final class CadvisorMetrics {

    static final List<String> BASE = List.of("container", "id", "image", "name", "namespace", "pod");
    private static final String POD_CONTAINER = "POD";

    static final MetricSpec CPU_USAGE = counter("container_cpu_usage_seconds_total", "Cumulative cpu time consumed in seconds.", "cpu");
    static final MetricSpec MEMORY_USAGE = gauge("container_memory_usage_bytes", "Current memory usage in bytes, including all memory regardless of when it was accessed");
    static final MetricSpec MEMORY_WORKING_SET = gauge("container_memory_working_set_bytes", "Current working set in bytes.");
    static final MetricSpec MEMORY_RSS = gauge("container_memory_rss", "Size of RSS in bytes.");
    static final MetricSpec MEMORY_SWAP = gauge("container_memory_swap", "Container swap usage in bytes.");
    static final MetricSpec MEMORY_LIMIT = gauge("container_spec_memory_limit_bytes", "Memory limit for the container.");
    static final MetricSpec PAGE_FAULTS = counter("container_memory_failures_total", "Cumulative count of memory allocation failures.",
            "failure_type", "scope");
    static final MetricSpec PROCESSES = gauge("container_processes", "Number of processes running inside the container.");
    static final MetricSpec FS_USAGE = gauge("container_fs_usage_bytes", "Number of bytes that are consumed by the container on this filesystem.", "device");
    static final MetricSpec FS_INODES = gauge("container_fs_inodes_total", "Number of Inodes", "device");
    static final MetricSpec START_TIME = gauge("container_start_time_seconds", "Start time of the container since unix epoch in seconds.");
    static final MetricSpec LAST_SEEN = gauge("container_last_seen", "Last time a container was seen by the exporter");
    static final MetricSpec RX_BYTES = counter("container_network_receive_bytes_total", "Cumulative count of bytes received", "interface");
    static final MetricSpec RX_ERRORS = counter("container_network_receive_errors_total", "Cumulative count of errors encountered while receiving", "interface");
    static final MetricSpec TX_BYTES = counter("container_network_transmit_bytes_total", "Cumulative count of bytes transmitted", "interface");
    static final MetricSpec TX_ERRORS = counter("container_network_transmit_errors_total", "Cumulative count of errors encountered while transmitting", "interface");

    /** What ListMetricDescriptors lists: every metric a sample may name. */
    public static final List<MetricSpec> ALL = List.of(CPU_USAGE, MEMORY_USAGE, MEMORY_WORKING_SET, MEMORY_RSS, MEMORY_SWAP, MEMORY_LIMIT,
            PAGE_FAULTS, PROCESSES, FS_USAGE, FS_INODES, START_TIME, LAST_SEEN, RX_BYTES, RX_ERRORS, TX_BYTES, TX_ERRORS);

    /** The pod's own samples, and each container's by id. */
    public record PodMetrics(String podId, List<MetricSample> pod, Map<String, List<MetricSample>> containers) {}

    private CadvisorMetrics() {}

    public static PodMetrics of(PodUsage usage, String layersDevice) {
        PodSandbox pod = usage.pod();
        long now = nanos(usage.at());
        List<String> podLabels = List.of(POD_CONTAINER, pod.cgroupParent(), "", pod.id(), pod.metadata().namespace(), pod.metadata().name());
        List<MetricSample> podSamples = new ArrayList<>();
        usage.cgroup().ifPresent(cgroup -> addCgroup(podSamples, podLabels, cgroup, now));
        usage.network().ifPresent(interfaces -> {
            for (InterfaceCounters i : interfaces) {
                podSamples.add(sample(RX_BYTES, podLabels, i.rxBytes(), now, i.name()));
                podSamples.add(sample(RX_ERRORS, podLabels, i.rxErrors(), now, i.name()));
                podSamples.add(sample(TX_BYTES, podLabels, i.txBytes(), now, i.name()));
                podSamples.add(sample(TX_ERRORS, podLabels, i.txErrors(), now, i.name()));
            }
        });
        Map<String, List<MetricSample>> containers = new LinkedHashMap<>();
        for (ContainerUsage c : usage.containers()) {
            containers.put(c.container().id(), containerSamples(c, pod, layersDevice));
        }
        return new PodMetrics(pod.id(), podSamples, containers);
    }

    static List<MetricSample> containerSamples(ContainerUsage usage, PodSandbox pod, String layersDevice) {
        Container c = usage.container();
        long now = nanos(usage.at());
        List<String> labels = List.of(c.name(), c.cgroupsPath(), c.image(), c.id(), pod.metadata().namespace(), pod.metadata().name());
        List<MetricSample> samples = new ArrayList<>();
        usage.cgroup().ifPresent(cgroup -> addCgroup(samples, labels, cgroup, now));
        usage.layer().ifPresent(layer -> {
            samples.add(sample(FS_USAGE, labels, layer.bytes(), now, layersDevice));
            samples.add(sample(FS_INODES, labels, layer.inodes(), now, layersDevice));
        });
        if (c.state() instanceof ContainerState.Running running) {
            samples.add(sample(START_TIME, labels, running.startedAt().getEpochSecond(), now));
        } else if (c.state() instanceof ContainerState.Exited exited && !exited.startedAt().equals(Instant.EPOCH)) {
            samples.add(sample(START_TIME, labels, exited.startedAt().getEpochSecond(), now));
        }
        samples.add(sample(LAST_SEEN, labels, usage.at().getEpochSecond(), now));
        return samples;
    }

    private static void addCgroup(List<MetricSample> samples, List<String> labels, CgroupUsage cgroup, long now) {
        if (cgroup.hasCpu()) {
            samples.add(sample(CPU_USAGE, labels, cgroup.cpuNanos() / 1_000_000_000L, now, "total"));
        }
        if (cgroup.hasMemory()) {
            samples.add(sample(MEMORY_USAGE, labels, cgroup.memoryUsage(), now));
            samples.add(sample(MEMORY_WORKING_SET, labels, cgroup.workingSet(), now));
            if (cgroup.rss() != CgroupUsage.ABSENT) {
                samples.add(sample(MEMORY_RSS, labels, cgroup.rss(), now));
            }
            if (cgroup.memoryLimit() != CgroupUsage.ABSENT) {
                // cAdvisor reports "no limit" as 0.
                samples.add(sample(MEMORY_LIMIT, labels, cgroup.memoryLimit() == CgroupUsage.UNLIMITED ? 0 : cgroup.memoryLimit(), now));
            }
            if (cgroup.pageFaults() != CgroupUsage.ABSENT) {
                samples.add(sample(PAGE_FAULTS, labels, cgroup.pageFaults(), now, "pgfault", "container"));
            }
            if (cgroup.majorPageFaults() != CgroupUsage.ABSENT) {
                samples.add(sample(PAGE_FAULTS, labels, cgroup.majorPageFaults(), now, "pgmajfault", "container"));
            }
        }
        if (cgroup.hasSwap()) {
            samples.add(sample(MEMORY_SWAP, labels, cgroup.swapUsage(), now));
        }
        if (cgroup.hasProcesses()) {
            samples.add(sample(PROCESSES, labels, cgroup.processes(), now));
        }
    }

    private static MetricSample sample(MetricSpec spec, List<String> base, long value, long now, String... extra) {
        List<String> values = extra.length == 0 ? base : Stream.concat(base.stream(), Stream.of(extra)).toList();
        return new MetricSample(spec, values, Math.max(0, value), now);
    }

    private static MetricSpec counter(String name, String help, String... extra) {
        return new MetricSpec(name, help, keys(extra), true);
    }

    private static MetricSpec gauge(String name, String help, String... extra) {
        return new MetricSpec(name, help, keys(extra), false);
    }

    private static List<String> keys(String... extra) {
        return Stream.concat(BASE.stream(), Stream.of(extra)).toList();
    }

    private static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }
}
