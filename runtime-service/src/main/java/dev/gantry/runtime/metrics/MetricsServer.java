package dev.gantry.runtime.metrics;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.common.errors.GantryException;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Plain HTTP on the configured address for Prometheus to scrape ({@link ScrapeHandler}). The JDK's
 * HTTP server, one virtual thread per request: a scrape every few seconds is not worth an event loop
 * or a thread pool.
 */
public final class MetricsServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService requests;

    private MetricsServer(HttpServer server, ExecutorService requests) {
        this.server = server;
        this.requests = requests;
    }

    /** @throws GantryException UNAVAILABLE when the address cannot be bound (in use, not this node's) */
    static MetricsServer start(PrometheusRegistry registry, InetSocketAddress address) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new MetricsServerException("serve metrics on " + address.getHostString() + ":" + address.getPort() + ": " + e.getMessage(), e);
        }
        ExecutorService requests = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("metrics-", 0).factory());
        server.setExecutor(requests);
        server.createContext("/", new ScrapeHandler(registry));
        server.start();
        return new MetricsServer(server, requests);
    }

    /** Where it listens (with the port the kernel chose when the configured one was 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        requests.shutdownNow();
    }
}
