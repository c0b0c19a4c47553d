package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.ContainerMetrics;
import dev.gantry.cri.v1.ListMetricDescriptorsResponse;
import dev.gantry.cri.v1.Metric;
import dev.gantry.cri.v1.MetricDescriptor;
import dev.gantry.cri.v1.MetricType;
import dev.gantry.cri.v1.PodSandboxMetrics;
import dev.gantry.cri.v1.UInt64Value;
import dev.gantry.runtime.stats.CadvisorMetrics;
import dev.gantry.runtime.stats.MetricSample;
import dev.gantry.runtime.stats.MetricSpec;
import dev.gantry.runtime.stats.StatsManager;
import dev.gantry.sandbox.SandboxStore;
import java.util.List;

/**
 * ListMetricDescriptors, ListPodSandboxMetrics and StreamPodSandboxMetrics: the cAdvisor metrics of
 * every pod and its containers (see {@link CadvisorMetrics}), sampled as the kubelet scrapes.
 */
public final class PodSandboxMetricsRpc {

    private static final ListMetricDescriptorsResponse DESCRIPTORS = ListMetricDescriptorsResponse.newBuilder()
            .addAllDescriptors(CadvisorMetrics.ALL.stream().map(PodSandboxMetricsRpc::descriptor).toList())
            .build();

    private final StatsManager stats;

    public PodSandboxMetricsRpc(StatsManager stats) {
        this.stats = stats;
    }

    ListMetricDescriptorsResponse descriptors() {
        return DESCRIPTORS;
    }

    List<PodSandboxMetrics> list() {
        String device = stats.layersMountpoint().toString();
        return stats.pods(SandboxStore.Filter.all()).stream()
                .map(usage -> CadvisorMetrics.of(usage, device))
                .map(PodSandboxMetricsRpc::toProto)
                .toList();
    }

    private static PodSandboxMetrics toProto(CadvisorMetrics.PodMetrics metrics) {
        PodSandboxMetrics.Builder pod = PodSandboxMetrics.newBuilder().setPodSandboxId(metrics.podId());
        metrics.pod().forEach(s -> pod.addMetrics(metric(s)));
        metrics.containers().forEach((id, samples) -> pod.addContainerMetrics(ContainerMetrics.newBuilder()
                .setContainerId(id).addAllMetrics(samples.stream().map(PodSandboxMetricsRpc::metric).toList())));
        return pod.build();
    }

    private static MetricDescriptor descriptor(MetricSpec spec) {
        return MetricDescriptor.newBuilder().setName(spec.name()).setHelp(spec.help()).addAllLabelKeys(spec.labelKeys()).build();
    }

    private static Metric metric(MetricSample sample) {
        return Metric.newBuilder()
                .setName(sample.spec().name())
                .setTimestamp(sample.timestampNanos())
                .setMetricType(sample.spec().counter() ? MetricType.COUNTER : MetricType.GAUGE)
                .addAllLabelValues(sample.labelValues())
                .setValue(UInt64Value.newBuilder().setValue(sample.value()))
                .build();
    }
}
