package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.e2e.bench.ImagePullBenchmark;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark is a main, not a test; this only proves it still runs and reports what it should, on small images. */
class ImagePullBenchmarkIT {

    @Test
    void measure_oneRunOfSmallImages_reportsEveryFieldAsPositiveJson() throws Exception {
        ImagePullBenchmark.Result result = ImagePullBenchmark.measure(1, ImagePullBenchmark.Workload.small());

        JsonNode json = new ObjectMapper().readTree(result.toJson());
        assertThat(json.get("benchmark").asText()).isEqualTo("image_pull");
        assertThat(json.get("runs").asInt()).isEqualTo(1);
        assertThat(json.get("layers").asInt()).isEqualTo(6);
        assertThat(json.get("files").asInt()).isGreaterThan(ImagePullBenchmark.Workload.small().smallFiles());
        for (String field : List.of("image_mb", "cold_mb_s", "warm_new_mb", "concurrent_mb", "concurrent10_mb_s",
                "ratio_vs_skopeo_umoci", "daemon_rss_mib", "daemon_rss_peak_mib")) {
            assertThat(json.get(field)).as(field).isNotNull();
            assertThat(json.get(field).asDouble()).as(field).isPositive();
        }
        for (JsonNode stats : List.of(json.get("cold_s"), json.get("warm_s"), json.get("concurrent10_s"),
                json.at("/baseline/skopeo_s"), json.at("/baseline/umoci_s"), json.at("/baseline/total_s"))) {
            for (String field : List.of("min", "p50", "p99", "max")) {
                assertThat(stats.get(field)).as(stats + " " + field).isNotNull();
                assertThat(stats.get(field).asDouble()).as(stats + " " + field).isPositive();
            }
        }
        assertThat(result.coldSeconds().p50()).isPositive();
        assertThat(result.imageMb()).isGreaterThan(5.0); // the small workload is ~7 MB of blobs
    }
}
