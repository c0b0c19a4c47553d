package dev.gantry.runtime.metrics;

import dev.gantry.runtime.container.ContainerState;
import dev.gantry.runtime.container.ExitListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;

/**
 * Container exits by the CRI's reason. OOMKilled has its own value, so an alert on
 * {@code rate(gantry_container_exits_total{reason="OOMKilled"}[5m])} needs nothing else.
 */
final class ExitMetrics implements ExitListener {

    /** The reasons the exit path gives; anything else is counted as "Other" so the label stays bounded. */
    private static final Set<String> REASONS = Set.of("Completed", "Error", "OOMKilled", "ContainerCannotRun", "Unknown");

    private final Counter exits;

    ExitMetrics(PrometheusRegistry registry) {
        exits = Counter.builder()
                .name("gantry_container_exits_total")
                .help("Container exits recorded, by reason (Completed, Error, OOMKilled, …)")
                .labelNames("reason")
                .withoutExemplars()
                .register(registry);
        exits.labelValues("OOMKilled");
    }

    @Override
    public void exited(ContainerState.Exited exited) {
        exits.labelValues(REASONS.contains(exited.reason()) ? exited.reason() : "Other").inc();
    }
}
