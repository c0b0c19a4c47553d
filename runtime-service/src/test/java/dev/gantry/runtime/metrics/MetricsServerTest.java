package dev.gantry.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.GantryException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint as Prometheus and an operator's curl meet it, on a loopback port the kernel picks. */
class MetricsServerTest {

    private final Metrics metrics = Metrics.forTest(() -> 0L);
    private final HttpClient http = HttpClient.newHttpClient();
    private MetricsServer server;

    @BeforeEach
    void start() {
        metrics.exits().exited(new dev.gantry.runtime.container.ContainerState.Exited(
                java.time.Instant.EPOCH, java.time.Instant.EPOCH, 137, "OOMKilled", ""));
        server = metrics.serve(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void get_metrics_answersPrometheusText() throws Exception {
        HttpResponse<String> response = get("/metrics", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("gantry_container_exits_total{reason=\"OOMKilled\"} 1.0\n");
    }

    @Test
    void get_metrics_scraperPreferringProtobuf_getsText() throws Exception {
        HttpResponse<String> response = get("/metrics",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
    }

    @Test
    void get_metrics_openMetricsAsked_answersOpenMetrics() throws Exception {
        HttpResponse<String> response = get("/metrics", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");

        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/openmetrics-text"));
        assertThat(response.body()).contains("gantry_container_exits_total{reason=\"OOMKilled\"} 1.0").endsWith("# EOF\n");
    }

    @Test
    void otherPathsAndMethods_areRefused() throws Exception {
        assertThat(get("/", null).statusCode()).isEqualTo(404);
        assertThat(get("/metricsx", null).statusCode()).isEqualTo(404);
        var post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }

    @Test
    void start_addressInUse_failsNamingIt() {
        InetSocketAddress taken = server.address();

        assertThatThrownBy(() -> metrics.serve(taken))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("serve metrics on 127.0.0.1:" + taken.getPort());
    }
}
