package dev.gantry.runtime.metrics;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.image.PullListener;
import dev.gantry.image.reference.ImageReference;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Image pulls: how many ended how, their bytes, their duration and how many run now. The result
 * label is {@code success} or the error kind in lower case ({@code unavailable}, {@code not_found},
 * {@code unauthenticated}, {@code data_loss}, …): a fixed, small set, never the image's name, whose
 * values would be unbounded.
 */
final class PullMetrics implements PullListener {

    /** From a pull that found every layer present (0.1 s) to a large cold one. */
    private static final double[] BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

    private final Counter pulls;
    private final Counter bytes;
    private final Histogram duration;
    private final Gauge inFlight;
    private final LongSupplier nanoTime;

    PullMetrics(PrometheusRegistry registry, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        pulls = Counter.builder()
                .name("gantry_image_pulls_total")
                .help("Image pulls finished, by result: success, or the error kind that failed them")
                .labelNames("result")
                .withoutExemplars()
                .register(registry);
        bytes = Counter.builder()
                .name("gantry_image_pull_bytes_total")
                .help("Size of the images pulled successfully, as their manifests give it (config and compressed layers)")
                .withoutExemplars()
                .register(registry);
        duration = Histogram.builder()
                .name("gantry_image_pull_duration_seconds")
                .help("Time an image pull took, successful or not")
                .classicOnly()
                .classicUpperBounds(BUCKETS)
                .withoutExemplars()
                .register(registry);
        inFlight = Gauge.builder()
                .name("gantry_image_pulls_in_flight")
                .help("Image pulls running now")
                .withoutExemplars()
                .register(registry);
    }

    @Override
    public Pull started(ImageReference reference) {
        long start = nanoTime.getAsLong();
        inFlight.inc();
        AtomicBoolean ended = new AtomicBoolean();
        return new Pull() {
            @Override
            public void succeeded(long size) {
                if (end()) {
                    pulls.labelValues("success").inc();
                    bytes.inc(size);
                }
            }

            @Override
            public void failed(ErrorKind kind) {
                if (end()) {
                    pulls.labelValues(kind.name().toLowerCase(Locale.ROOT)).inc();
                }
            }

            private boolean end() {
                if (!ended.compareAndSet(false, true)) {
                    return false;
                }
                inFlight.dec();
                duration.observe((nanoTime.getAsLong() - start) / 1e9);
                return true;
            }
        };
    }
}
