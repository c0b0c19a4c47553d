package dev.gantry.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.image.PullListener;
import dev.gantry.image.reference.ImageReference;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.sandbox.SandboxState;
import dev.gantry.sandbox.net.NetworkListener;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Names, labels and values as a scrape shows them: what dashboards and alerts are written against. */
class MetricsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final Metrics metrics = Metrics.forTest(nanos::get);

    private void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000);
    }

    private List<String> lines() {
        return metrics.scrapeText().lines().toList();
    }

    @Test
    void pulls_countedByResult_withBytesDurationAndInFlight() {
        ImageReference ref = ImageReference.parse("busybox:1.36");
        PullListener.Pull ok = metrics.pulls().started(ref);
        PullListener.Pull failed = metrics.pulls().started(ref);
        PullListener.Pull running = metrics.pulls().started(ref);
        advanceMillis(1500);
        ok.succeeded(2_000_000);
        failed.failed(ErrorKind.UNAVAILABLE);
        failed.failed(ErrorKind.UNAVAILABLE); // told twice: counted once

        assertThat(lines()).contains(
                "# TYPE gantry_image_pulls_total counter",
                "gantry_image_pulls_total{result=\"success\"} 1.0",
                "gantry_image_pulls_total{result=\"unavailable\"} 1.0",
                "gantry_image_pull_bytes_total 2000000.0",
                "gantry_image_pulls_in_flight 1.0",
                "gantry_image_pull_duration_seconds_bucket{le=\"1.0\"} 0",
                "gantry_image_pull_duration_seconds_bucket{le=\"2.5\"} 2",
                "gantry_image_pull_duration_seconds_count 2",
                "gantry_image_pull_duration_seconds_sum 3.0");

        running.succeeded(10);
        assertThat(lines()).contains("gantry_image_pulls_in_flight 0.0");
    }

    @Test
    void cni_timedByOperation_failuresCounted_zeroBeforeTheFirst() {
        assertThat(lines()).contains(
                "gantry_cni_operation_failures_total{operation=\"add\"} 0.0",
                "gantry_cni_operation_failures_total{operation=\"del\"} 0.0");

        NetworkListener.Call add = metrics.cni().started(NetworkListener.Operation.ADD);
        advanceMillis(30);
        add.succeeded();
        NetworkListener.Call del = metrics.cni().started(NetworkListener.Operation.DEL);
        advanceMillis(70);
        del.failed();

        assertThat(lines()).contains(
                "gantry_cni_operation_duration_seconds_bucket{operation=\"add\",le=\"0.025\"} 0",
                "gantry_cni_operation_duration_seconds_bucket{operation=\"add\",le=\"0.05\"} 1",
                "gantry_cni_operation_duration_seconds_count{operation=\"add\"} 1",
                "gantry_cni_operation_duration_seconds_count{operation=\"del\"} 1",
                "gantry_cni_operation_failures_total{operation=\"add\"} 0.0",
                "gantry_cni_operation_failures_total{operation=\"del\"} 1.0");
    }

    @Test
    void exits_countedByReason_oomKilledAlwaysPresent() {
        assertThat(lines()).contains("gantry_container_exits_total{reason=\"OOMKilled\"} 0.0");

        metrics.exits().exited(exited("Completed"));
        metrics.exits().exited(exited("OOMKilled"));
        metrics.exits().exited(exited("OOMKilled"));
        metrics.exits().exited(exited("something a later version invents"));

        assertThat(lines()).contains(
                "gantry_container_exits_total{reason=\"Completed\"} 1.0",
                "gantry_container_exits_total{reason=\"OOMKilled\"} 2.0",
                "gantry_container_exits_total{reason=\"Other\"} 1.0");
    }

    @Test
    void streaming_sessionsOpenedAndActive_byKind() {
        metrics.streaming().sessionOpened(StreamingMetrics.Kind.EXEC);
        metrics.streaming().sessionOpened(StreamingMetrics.Kind.EXEC);
        metrics.streaming().sessionOpened(StreamingMetrics.Kind.PORT_FORWARD);
        metrics.streaming().sessionClosed(StreamingMetrics.Kind.EXEC);

        assertThat(lines()).contains(
                "gantry_streaming_sessions_total{kind=\"exec\"} 2.0",
                "gantry_streaming_sessions_total{kind=\"attach\"} 0.0",
                "gantry_streaming_sessions_total{kind=\"portforward\"} 1.0",
                "gantry_streaming_sessions_active{kind=\"exec\"} 1.0",
                "gantry_streaming_sessions_active{kind=\"portforward\"} 1.0");
    }

    @Test
    void objects_countedByStateAtEachScrape() {
        List<SandboxState> pods = new java.util.concurrent.CopyOnWriteArrayList<>(
                List.of(SandboxState.READY, SandboxState.READY, new SandboxState.NotReady("stopped")));
        List<ContainerState> containers = List.of(new ContainerState.Created(), new ContainerState.Running(Instant.EPOCH),
                exited("Completed"));
        metrics.countObjects(() -> pods, () -> containers);

        assertThat(lines()).contains(
                "# TYPE gantry_pods gauge",
                "gantry_pods{state=\"ready\"} 2.0",
                "gantry_pods{state=\"notready\"} 1.0",
                "gantry_containers{state=\"created\"} 1.0",
                "gantry_containers{state=\"running\"} 1.0",
                "gantry_containers{state=\"exited\"} 1.0");

        pods.clear();
        assertThat(lines()).contains("gantry_pods{state=\"ready\"} 0.0", "gantry_pods{state=\"notready\"} 0.0");
    }

    @Test
    void everyGantryMetric_hasHelpAndFollowsTheNamingRules() {
        metrics.countObjects(List::of, List::of);
        // Labelled metrics show once they have a child: give each one.
        metrics.pulls().started(ImageReference.parse("busybox")).succeeded(1);
        metrics.cni().started(NetworkListener.Operation.ADD).succeeded();
        metrics.exits().exited(exited("Completed"));
        CriCallMetricsTest.callVersion(metrics);
        List<String> names = lines().stream()
                .filter(l -> l.startsWith("# TYPE gantry_"))
                .map(l -> l.split(" ")[2])
                .toList();

        assertThat(names).hasSize(13);
        for (String name : names) {
            assertThat(lines()).anyMatch(l -> l.startsWith("# HELP " + name + " "));
            assertThat(name).matches("gantry_[a-z_]+");
        }
        assertThat(lines()).contains("# TYPE gantry_cri_requests_total counter",
                "# TYPE gantry_cri_request_duration_seconds histogram");
    }

    private static ContainerState.Exited exited(String reason) {
        return new ContainerState.Exited(Instant.EPOCH, Instant.EPOCH, 0, reason, "");
    }
}
