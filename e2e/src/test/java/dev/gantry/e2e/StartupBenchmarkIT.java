package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.e2e.bench.StartupBenchmark;
import org.junit.jupiter.api.Test;

/** The benchmark is a main, not a test; this only proves it still runs and reports what it should. */
class StartupBenchmarkIT {

    @Test
    void measure_oneRun_reportsStartTimeAndRssAsJson() throws Exception {
        StartupBenchmark.Result result = StartupBenchmark.measure(1);

        assertThat(result.runs()).isEqualTo(1);
        assertThat(result.firstVersionMillis().p50()).isPositive();
        assertThat(result.rssIdleMib().p50()).isPositive();
        assertThat(result.toJson())
                .startsWith("{\"benchmark\":\"daemon_start\",\"runs\":1,")
                .contains("\"first_version_ms\":{\"min\":")
                .contains("\"rss_idle_mib\":{\"min\":");
    }
}
