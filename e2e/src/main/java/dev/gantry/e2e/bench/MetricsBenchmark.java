package dev.gantry.e2e.bench;

import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The cost of {@code /metrics}: a daemon with metrics off, one with them on and never scraped, and
 * one scraped every second as Prometheus would, each idling for the same window. Reports the
 * daemon's CPU time per minute (user + system from /proc/PID/stat), its RSS after the window, and the
 * scrape latency. Prints one JSON line; not a test.
 *
 * <p>Usage: {@code MetricsBenchmark [seconds]} (default 60).
 */
public final class MetricsBenchmark {

    private static final double CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    record Run(String mode, double cpuMsPerMinute, double rssIdleMib, double rssEndMib, StartupBenchmark.@Nullable Stats scrapeMillis,
            int scrapeBytes) {

        String toJson() {
            return String.format(Locale.ROOT, "\"%s\":{\"cpu_ms_per_min\":%.0f,\"rss_idle_mib\":%.1f,\"rss_end_mib\":%.1f%s}",
                    mode, cpuMsPerMinute, rssIdleMib, rssEndMib,
                    scrapeMillis == null ? "" : ",\"scrape_ms\":" + scrapeMillis.toJson() + ",\"scrape_bytes\":" + scrapeBytes);
        }
    }

    private MetricsBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        List<Run> runs = List.of(run("off", false, false, seconds), run("on_unscraped", true, false, seconds),
                run("on_scraped_1s", true, true, seconds));
        StringBuilder json = new StringBuilder("{\"benchmark\":\"metrics\",\"seconds\":" + seconds);
        runs.forEach(r -> json.append(',').append(r.toJson()));
        System.out.println(json.append('}'));
    }

    private static Run run(String mode, boolean metricsOn, boolean scrape, int seconds) throws Exception {
        int port = freePort();
        try (GantryDaemon daemon = GantryDaemon.create(); HttpClient http = HttpClient.newHttpClient()) {
            if (metricsOn) {
                Files.writeString(daemon.configFile(), "[metrics]\naddress = \"127.0.0.1:" + port + "\"\n");
            }
            daemon.startAndAwaitReady();
            Thread.sleep(StartupBenchmark.IDLE.toMillis());
            double rssIdle = StartupBenchmark.rssMib(daemon.pid());
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
            List<Double> latencies = new ArrayList<>();
            int bytes = 0;
            long cpuBefore = StartupBenchmark.cpuTicks(daemon.pid());
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            while (System.nanoTime() < end) {
                if (scrape) {
                    long start = System.nanoTime();
                    HttpResponse<byte[]> response = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
                    latencies.add((System.nanoTime() - start) / 1e6);
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("scrape answered " + response.statusCode());
                    }
                    bytes = response.body().length;
                }
                Thread.sleep(1000);
            }
            double cpuMs = (StartupBenchmark.cpuTicks(daemon.pid()) - cpuBefore) * 1000 / CLOCK_TICKS_PER_SECOND;
            double rssEnd = StartupBenchmark.rssMib(daemon.pid());
            daemon.stop();
            return new Run(mode, cpuMs * 60 / seconds, rssIdle, rssEnd,
                    scrape ? StartupBenchmark.Stats.of(latencies.stream().mapToDouble(Double::doubleValue).toArray()) : null, bytes);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
