package dev.gantry.runtime.metrics;

import dev.gantry.runtime.container.ContainerState;
import dev.gantry.sandbox.SandboxState;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Pods and containers by state, counted at each scrape from the managers' in-memory lists (no disk,
 * as for ListPodSandbox), so they can never drift from what the kubelet is told. Every state is
 * reported, 0 included, so a series does not vanish when its last object goes.
 */
final class ObjectGauges {

    private ObjectGauges() {}

    static void register(PrometheusRegistry registry, Supplier<? extends Collection<SandboxState>> pods,
                         Supplier<? extends Collection<ContainerState>> containers) {
        GaugeWithCallback.builder()
                .name("gantry_pods")
                .help("Pod sandboxes by state (ready, notready)")
                .labelNames("state")
                .callback(callback -> {
                    long ready = 0;
                    long notReady = 0;
                    for (SandboxState state : pods.get()) {
                        switch (state) {
                            case SandboxState.Ready r -> ready++;
                            case SandboxState.NotReady n -> notReady++;
                            case SandboxState.Creating c -> { } // not listed: the kubelet has no id for it yet
                        }
                    }
                    callback.call(ready, "ready");
                    callback.call(notReady, "notready");
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("gantry_containers")
                .help("Containers by state (created, running, exited)")
                .labelNames("state")
                .callback(callback -> {
                    long created = 0;
                    long running = 0;
                    long exited = 0;
                    for (ContainerState state : containers.get()) {
                        switch (state) {
                            case ContainerState.Created c -> created++;
                            case ContainerState.Running r -> running++;
                            case ContainerState.Exited e -> exited++;
                            case ContainerState.Creating c -> { } // not listed until its create finished
                        }
                    }
                    callback.call(created, "created");
                    callback.call(running, "running");
                    callback.call(exited, "exited");
                })
                .register(registry);
    }
}
