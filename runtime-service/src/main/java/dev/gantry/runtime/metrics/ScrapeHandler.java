package dev.gantry.runtime.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code GET /metrics}: OpenMetrics when the scraper's Accept names it, the Prometheus text
 * format (0.0.4) otherwise, including to a scraper that prefers protobuf (Prometheus then reads the
 * text it also accepts). Any other path is 404 and any other method 405, so a mistyped scrape URL
 * fails loudly. No gzip: a scrape is about 10 KiB, usually over loopback, and compressing it would
 * cost more CPU than it saves.
 */
final class ScrapeHandler implements HttpHandler {

    static final String PATH = "/metrics";

    private static final Logger log = LoggerFactory.getLogger(ScrapeHandler.class);

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    private final OpenMetricsTextFormatWriter openMetrics = OpenMetricsTextFormatWriter.create();

    ScrapeHandler(PrometheusRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!PATH.equals(exchange.getRequestURI().getPath())) {
                reply(exchange, 404, "not found: metrics are served at " + PATH + "\n");
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                reply(exchange, 405, method + " is not allowed: use GET\n");
                return;
            }
            String accept = exchange.getRequestHeaders().getFirst("Accept");
            ExpositionFormatWriter writer = openMetrics.accepts(accept) ? openMetrics : text;
            var body = new ByteArrayOutputStream(16 * 1024);
            try {
                writer.write(body, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
            } catch (RuntimeException e) {
                // A collector failed (a manager's list threw): say so rather than serve half a scrape.
                log.warn("metrics scrape failed: {}", e.toString(), e);
                reply(exchange, 500, "scrape failed: " + e + "\n");
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
            send(exchange, 200, body.toByteArray());
        }
    }

    private static void reply(HttpExchange exchange, int code, String message) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, code, message.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int code, byte[] body) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(code, -1);
            return;
        }
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
