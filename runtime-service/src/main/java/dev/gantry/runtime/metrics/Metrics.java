package dev.gantry.runtime.metrics;

import dev.gantry.image.PullListener;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.runtime.container.ExitListener;
import dev.gantry.sandbox.SandboxState;
import dev.gantry.sandbox.net.NetworkListener;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The daemon's metrics: one registry, the instruments the daemon's parts report to, and the HTTP
 * endpoint that serves them. Built only when {@code [metrics] address} is set; the parts get the
 * no-op listeners otherwise.
 */
public final class Metrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final CriCallMetrics criCalls;
    private final PullMetrics pulls;
    private final CniMetrics cni;
    private final ExitMetrics exits;
    private final SessionMetrics streaming;

    private Metrics(LongSupplier nanoTime, boolean jvm) {
        criCalls = new CriCallMetrics(registry, nanoTime);
        pulls = new PullMetrics(registry, nanoTime);
        cni = new CniMetrics(registry, nanoTime);
        exits = new ExitMetrics(registry);
        streaming = new SessionMetrics(registry);
        if (jvm) {
            // Heap and non-heap pools, direct buffers (Netty's), GC pauses, threads, the process's CPU,
            // RSS and fds. Not JvmNativeMemoryMetrics: it runs a diagnostic command at every scrape
            // and reports nothing unless native memory tracking is on.
            JvmMemoryMetrics.builder().register(registry);
            JvmBufferPoolMetrics.builder().register(registry);
            JvmGarbageCollectorMetrics.builder().register(registry);
            JvmThreadsMetrics.builder().register(registry);
            JvmRuntimeInfoMetric.builder().register(registry);
            ProcessMetrics.builder().register(registry);
        }
    }

    /** The daemon's metrics, with the JVM's and the process's. */
    public static Metrics create() {
        return new Metrics(System::nanoTime, true);
    }

    /** Without the JVM collectors and on a clock the test moves, so tests can assert exact lines. */
    static Metrics forTest(LongSupplier nanoTime) {
        return new Metrics(nanoTime, false);
    }

    /** Counts and times every CRI call; the daemon's {@code CriCallInterceptor} reports to it. */
    public CriCallMetrics criCalls() {
        return criCalls;
    }

    public PullListener pulls() {
        return pulls;
    }

    public NetworkListener cni() {
        return cni;
    }

    public ExitListener exits() {
        return exits;
    }

    /** For the streaming server: sessions opened and open now. */
    public StreamingMetrics streaming() {
        return streaming;
    }

    /** Reports pods and containers by state, read from these lists at each scrape. */
    public void countObjects(Supplier<? extends Collection<SandboxState>> pods, Supplier<? extends Collection<ContainerState>> containers) {
        ObjectGauges.register(registry, pods, containers);
    }

    /** Serves {@code /metrics} on {@code address} until closed. */
    public MetricsServer serve(InetSocketAddress address) {
        return MetricsServer.start(registry, address);
    }

    /** The exposition text a scrape would get. */
    String scrapeText() {
        var out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
