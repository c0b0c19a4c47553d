package dev.gantry.runtime.metrics;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} over plain HTTP on the configured address, as Prometheus scrapes it (text
 * exposition, or OpenMetrics when the scraper asks for it). The JDK's HTTP server with one virtual
 * thread per scrape: a scrape is a few kilobytes once every few seconds, not worth an event loop.
 */
public final class MetricsServer implements AutoCloseable {

    private final HTTPServer server;
    private final InetSocketAddress address;

    private MetricsServer(HTTPServer server, InetSocketAddress address) {
        this.server = server;
        this.address = address;
    }

    static MetricsServer start(PrometheusRegistry registry, InetSocketAddress address) {
        ExecutorService scrapes = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("metrics-", 0).factory());
        try {
            HTTPServer server = HTTPServer.builder()
                    .inetAddress(address.getAddress())
                    .port(address.getPort())
                    .registry(registry)
                    .executorService(scrapes)
                    .buildAndStart();
            return new MetricsServer(server, new InetSocketAddress(address.getAddress(), server.getPort()));
        } catch (IOException e) {
            scrapes.shutdownNow();
            throw new GantryException(ErrorKind.UNAVAILABLE, "serve metrics on " + address + ": " + e.getMessage(), e);
        }
    }

    /** Where it listens (the port the kernel chose when the configured one was 0). */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.close();
    }
}
