package dev.gantry.runtime.metrics;

import dev.gantry.sandbox.net.NetworkListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * CNI ADD and DEL chains of pod networks: their duration (failed ones included) and their failures.
 * A chain is the whole conflist run for one pod, the unit the kubelet waits for.
 */
final class CniMetrics implements NetworkListener {

    /** From a bridge + host-local chain (25 ms here) to a plugin timeout. */
    private static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private final Histogram duration;
    private final Counter failures;
    private final LongSupplier nanoTime;

    CniMetrics(PrometheusRegistry registry, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        duration = Histogram.builder()
                .name("gantry_cni_operation_duration_seconds")
                .help("Time a pod's CNI chain took, by operation (add, del), failed runs included")
                .labelNames("operation")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .withoutExemplars()
                .register(registry);
        failures = Counter.builder()
                .name("gantry_cni_operation_failures_total")
                .help("Pod CNI chains that failed, by operation (add, del)")
                .labelNames("operation")
                .withoutExemplars()
                .register(registry);
        for (Operation operation : Operation.values()) {
            // Present from the start at 0, so rate() and alerts see the series before the first failure.
            failures.labelValues(label(operation));
        }
    }

    @Override
    public Call started(Operation operation) {
        long start = nanoTime.getAsLong();
        String label = label(operation);
        AtomicBoolean ended = new AtomicBoolean();
        return new Call() {
            @Override
            public void succeeded() {
                end();
            }

            @Override
            public void failed() {
                if (end()) {
                    failures.labelValues(label).inc();
                }
            }

            private boolean end() {
                if (!ended.compareAndSet(false, true)) {
                    return false;
                }
                duration.labelValues(label).observe((nanoTime.getAsLong() - start) / 1e9);
                return true;
            }
        };
    }

    private static String label(Operation operation) {
        return operation.name().toLowerCase(Locale.ROOT);
    }
}
