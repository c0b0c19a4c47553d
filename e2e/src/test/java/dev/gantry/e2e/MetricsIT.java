package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.NetworkConfig;
import dev.gantry.cri.v1.RuntimeConfig;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.UpdateRuntimeConfigRequest;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.harness.GantryDaemon;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code [metrics] address}: off by default, and on it serves what an operator's Prometheus scrapes. */
class MetricsIT {

    private static final Pattern VERSION_OK = Pattern.compile(
            "(?m)^gantry_cri_requests_total\\{code=\"OK\",method=\"Version\"} (\\d+)\\.0$");

    @Test
    void metrics_noKey_noTcpPortListens() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create().startAndAwaitReady()) {
            assertThat(listeningTcpPorts(daemon.pid())).containsExactly(streamingPort(daemon));
            assertThat(daemon.output()).doesNotContain("serving metrics");
        }
    }

    @Test
    void metrics_addressSet_servesCriCountersAndJvmMetrics() throws Exception {
        int port = freePort();
        try (GantryDaemon daemon = GantryDaemon.create();
             HttpClient http = HttpClient.newHttpClient()) {
            startWithMetricsAt(daemon, port);
            assertThat(listeningTcpPorts(daemon.pid())).containsExactlyInAnyOrder(port, streamingPort(daemon));
            long before = versionOk(scrape(http, port).body());

            for (int i = 0; i < 3; i++) {
                daemon.client().runtime().version(VersionRequest.getDefaultInstance());
            }
            HttpResponse<String> response = scrape(http, port);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
            assertThat(versionOk(response.body())).isEqualTo(before + 3);
            assertThat(response.body())
                    .contains("# TYPE gantry_cri_request_duration_seconds histogram")
                    .contains("gantry_pods{state=\"ready\"} 0.0")
                    .contains("gantry_containers{state=\"running\"} 0.0")
                    .contains("gantry_container_exits_total{reason=\"OOMKilled\"} 0.0")
                    .contains("jvm_memory_used_bytes{area=\"heap\"}")
                    .contains("jvm_gc_collection_seconds_count")
                    .contains("process_resident_memory_bytes");
        }
    }

    @Test
    void warmUp_theDaemonsOwnVersionCallsAfterStart_areLeftOutOfTheCounters() throws Exception {
        int port = freePort();
        try (GantryDaemon daemon = GantryDaemon.create();
             HttpClient http = HttpClient.newHttpClient()) {
            startWithMetricsAt(daemon, port);
            long ready = versionOk(scrape(http, port).body()); // the harness's own calls until it answered

            daemon.awaitOutput("fresh connections warmed up: 128 Version calls over 64 connections", Duration.ofSeconds(60));

            assertThat(ready).isBetween(1L, 127L);
            assertThat(versionOk(scrape(http, port).body())).isEqualTo(ready);
        }
    }

    @Test
    void metrics_badAddress_exitsTwoNamingTheKey() throws Exception {
        try (GantryDaemon daemon = GantryDaemon.create()) {
            Files.writeString(daemon.configFile(), "[metrics]\naddress = \"localhost\"\n");

            int exit = daemon.start().awaitExit(Duration.ofSeconds(30));

            assertThat(exit).isEqualTo(2);
            assertThat(daemon.output()).contains("key metrics.address: must be host:port");
            assertThat(daemon.socket()).doesNotExist();
        }
    }

    @Test
    void updateRuntimeConfig_podCidr_rememberedAndReported_garbageRefused() {
        try (GantryDaemon daemon = GantryDaemon.create().startAndAwaitReady()) {
            var runtime = daemon.client().runtime();

            runtime.updateRuntimeConfig(podCidr("10.244.7.0/24"));
            var refused = org.assertj.core.api.Assertions.catchThrowableOfType(StatusRuntimeException.class,
                    () -> runtime.updateRuntimeConfig(podCidr("10.244.7.0")));

            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(runtime.status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoOrThrow("podCIDRs"))
                    .isEqualTo("[\"10.244.7.0/24\"]");
        }
    }

    private static UpdateRuntimeConfigRequest podCidr(String cidr) {
        return UpdateRuntimeConfigRequest.newBuilder()
                .setRuntimeConfig(RuntimeConfig.newBuilder().setNetworkConfig(NetworkConfig.newBuilder().setPodCidr(cidr)))
                .build();
    }

    private static void startWithMetricsAt(GantryDaemon daemon, int port) throws IOException {
        Files.writeString(daemon.configFile(), "[metrics]\naddress = \"127.0.0.1:" + port + "\"\n");
        daemon.startAndAwaitReady();
    }

    private static HttpResponse<String> scrape(HttpClient http, int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static long versionOk(String exposition) {
        Matcher m = VERSION_OK.matcher(exposition);
        assertThat(m.find()).as("a Version/OK line in:\n%s", exposition).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static final Pattern STREAMING = Pattern.compile("streaming server listening on https?://127\\.0\\.0\\.1:(\\d+)");

    /** The one other port gantryd always listens on: the Exec/Attach/PortForward server, ephemeral on loopback. */
    private static int streamingPort(GantryDaemon daemon) {
        var m = STREAMING.matcher(daemon.output());
        assertThat(m.find()).as("gantryd logs its streaming server's address").isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** The TCP ports the process listens on: its socket inodes found LISTEN (0A) in the kernel's tables. */
    private static List<Integer> listeningTcpPorts(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // an fd closed while we listed them
                }
            }
        }
        List<Integer> ports = new java.util.ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table)).subList(1, Files.readAllLines(Path.of(table)).size())) {
                String[] f = line.trim().split("\\s+");
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
                }
            }
        }
        return ports;
    }
}
