package dev.gantry.runtime.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** {@link StreamingMetrics} in Prometheus: sessions opened, and open now, by kind. */
final class SessionMetrics implements StreamingMetrics {

    private final Counter opened;
    private final Gauge active;

    SessionMetrics(PrometheusRegistry registry) {
        opened = Counter.builder()
                .name("gantry_streaming_sessions_total")
                .help("Streaming sessions opened, by kind (exec, attach, portforward)")
                .labelNames("kind")
                .withoutExemplars()
                .register(registry);
        active = Gauge.builder()
                .name("gantry_streaming_sessions_active")
                .help("Streaming sessions open now, by kind (exec, attach, portforward)")
                .labelNames("kind")
                .withoutExemplars()
                .register(registry);
        for (Kind kind : Kind.values()) {
            opened.labelValues(kind.label());
            active.labelValues(kind.label());
        }
    }

    @Override
    public void sessionOpened(Kind kind) {
        opened.labelValues(kind.label()).inc();
        active.labelValues(kind.label()).inc();
    }

    @Override
    public void sessionClosed(Kind kind) {
        active.labelValues(kind.label()).dec();
    }
}
