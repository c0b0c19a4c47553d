package dev.gantry.runtime.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Counts and times every CRI call, RuntimeService and ImageService alike, by method and final gRPC
 * code. The daemon's {@code CriCallInterceptor} reports to it: gRPC stays in the daemon and the RPC
 * layer, the metrics know a call only by its method name and the name of its code.
 *
 * <p>Each call is recorded once, however many ends are reported. The duration of
 * GetContainerEvents is the life of its subscription.
 */
public final class CriCallMetrics {

    /** From 1 ms (Version, List* from memory) to 2 min (a large pull, a slow create). */
    private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final Counter requests;
    private final Histogram duration;
    private final LongSupplier nanoTime;

    CriCallMetrics(PrometheusRegistry registry, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.requests = Counter.builder()
                .name("gantry_cri_requests_total")
                .help("CRI calls answered, by method and gRPC status code")
                .labelNames("method", "code")
                .withoutExemplars()
                .register(registry);
        this.duration = Histogram.builder()
                .name("gantry_cri_request_duration_seconds")
                .help("Time from a CRI call's arrival to its answer, by method")
                .labelNames("method")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .withoutExemplars()
                .register(registry);
    }

    /** A call of {@code method} (the bare gRPC method name, "Version") arrived now. */
    public Call started(String method) {
        return new Call(method, nanoTime.getAsLong());
    }

    /** One call in flight; the first {@link #ended} counts, later ones are ignored. */
    public final class Call {

        private final String method;
        private final long startNanos;
        private final AtomicBoolean recorded = new AtomicBoolean();

        private Call(String method, long startNanos) {
            this.method = method;
            this.startNanos = startNanos;
        }

        /** @param code the name of the gRPC status code the call ended with ("OK", "CANCELLED") */
        public void ended(String code) {
            if (recorded.compareAndSet(false, true)) {
                requests.labelValues(method, code).inc();
                duration.labelValues(method).observe((nanoTime.getAsLong() - startNanos) / 1e9);
            }
        }
    }
}
