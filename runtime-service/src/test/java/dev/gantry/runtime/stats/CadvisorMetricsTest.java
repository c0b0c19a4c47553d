package dev.gantry.runtime.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerMetadata;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.linux.cgroup.CgroupUsage;
import dev.gantry.linux.net.InterfaceCounters;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.sandbox.NamespaceMode;
import dev.gantry.sandbox.NamespaceOptions;
import dev.gantry.sandbox.PodNetwork;
import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.SandboxMetadata;
import dev.gantry.sandbox.SandboxPaths;
import dev.gantry.sandbox.SandboxState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CadvisorMetricsTest {

    private static final String POD_ID = "b".repeat(64);
    private static final String CTR_ID = "c".repeat(64);
    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    void descriptors_cadvisorNames_uniqueAndLabelled() {
        assertThat(CadvisorMetrics.ALL).extracting(MetricSpec::name).doesNotHaveDuplicates().contains(
                "container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "container_memory_rss",
                "container_memory_usage_bytes", "container_fs_usage_bytes", "container_network_receive_bytes_total",
                "container_network_transmit_bytes_total", "container_processes", "container_start_time_seconds");
        assertThat(CadvisorMetrics.ALL).allSatisfy(spec ->
                assertThat(spec.labelKeys()).startsWith("container", "id", "image", "name", "namespace", "pod"));
        assertThat(CadvisorMetrics.CPU_USAGE.labelKeys()).endsWith("cpu");
        assertThat(CadvisorMetrics.RX_BYTES.labelKeys()).endsWith("interface");
        assertThat(CadvisorMetrics.CPU_USAGE.counter()).isTrue();
        assertThat(CadvisorMetrics.MEMORY_WORKING_SET.counter()).isFalse();
    }

    @Test
    void pod_samplesLabelledAsCadvisor_valuesMatchTheirKeys() {
        CgroupUsage cgroup = new CgroupUsage(12_700_000_000L, 100, 1000, 10, 60, 5, 1, 0, CgroupUsage.UNLIMITED, 3);
        Container c = container(new ContainerState.Running(AT.minusSeconds(60)));
        ContainerUsage ctr = new ContainerUsage(c, AT, Optional.of(cgroup), 0, Optional.of(new LayerUsage(AT, 4096, 3)));
        PodUsage usage = new PodUsage(pod(), AT, Optional.of(cgroup), 0,
                Optional.of(List.of(new InterfaceCounters("eth0", 1000, 1, 2000, 2))), List.of(ctr));

        CadvisorMetrics.PodMetrics metrics = CadvisorMetrics.of(usage, "/var/lib/gantry/containers");

        List<MetricSample> all = new java.util.ArrayList<>(metrics.pod());
        metrics.containers().values().forEach(all::addAll);
        assertThat(all).allSatisfy(s -> assertThat(s.labelValues()).hasSameSizeAs(s.spec().labelKeys()));
        assertThat(find(metrics.pod(), "container_network_receive_bytes_total").labelValues())
                .containsExactly("POD", "/kubepods/podweb", "", POD_ID, "default", "web", "eth0");
        assertThat(find(metrics.pod(), "container_network_transmit_bytes_total").value()).isEqualTo(2000);
        List<MetricSample> ctrSamples = metrics.containers().get(CTR_ID);
        MetricSample cpu = find(ctrSamples, "container_cpu_usage_seconds_total");
        assertThat(cpu.value()).as("whole seconds").isEqualTo(12);
        assertThat(cpu.labelValues()).containsExactly("main", "/kubepods/podweb/gantry-" + CTR_ID, "busybox:1", CTR_ID, "default", "web", "total");
        assertThat(find(ctrSamples, "container_memory_working_set_bytes").value()).isEqualTo(90);
        assertThat(find(ctrSamples, "container_memory_rss").value()).isEqualTo(60);
        assertThat(find(ctrSamples, "container_fs_usage_bytes").value()).isEqualTo(4096);
        assertThat(find(ctrSamples, "container_processes").value()).isEqualTo(3);
        assertThat(find(ctrSamples, "container_start_time_seconds").value()).isEqualTo(AT.getEpochSecond() - 60);
    }

    @Test
    void exitedContainer_noCgroupFigures_stillSeen() {
        Container c = container(new ContainerState.Exited(AT.minusSeconds(9), AT.minusSeconds(1), 0, "Completed", ""));
        ContainerUsage ctr = new ContainerUsage(c, AT, Optional.empty(), 0, Optional.empty());

        List<MetricSample> samples = CadvisorMetrics.containerSamples(ctr, pod(), "/x");

        assertThat(samples).extracting(s -> s.spec().name()).containsExactly("container_start_time_seconds", "container_last_seen");
    }

    private static MetricSample find(List<MetricSample> samples, String name) {
        return samples.stream().filter(s -> s.spec().name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name + " in " + samples));
    }

    private static Container container(ContainerState state) {
        ContainerConfig config = ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("main")).build();
        return new Container(CTR_ID, POD_ID, "main_web_default_uid_0", config, "busybox:1", "sha256:" + "d".repeat(64), "busybox@sha256:x",
                AT.minusSeconds(120), "", "/kubepods/podweb/gantry-" + CTR_ID, "runc", 15, LinuxContainerResources.getDefaultInstance(),
                0, 0, List.of(), 77, state, false);
    }

    private static PodSandbox pod() {
        return new PodSandbox(POD_ID, new SandboxMetadata("web", "default", "uid-web", 0), SandboxState.READY, AT.minusSeconds(200),
                Map.of(), Map.of(), "runc", "/var/log/pods/web", "web", PodNetwork.namespace("/run/gantry/ns/net/" + POD_ID),
                new NamespaceOptions(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD),
                new SandboxPaths("/var/lib/gantry/pods/" + POD_ID, Map.of("net", "/run/gantry/ns/net/" + POD_ID), ""),
                "/kubepods/podweb", true, Optional.empty(), Map.of());
    }
}
