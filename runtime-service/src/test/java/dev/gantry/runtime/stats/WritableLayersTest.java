package dev.gantry.runtime.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.runtime.container.ContainerPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walk runs on the walker only, never on the caller; tests run the walker's queue (walks and Caffeine's upkeep) by hand. */
class WritableLayersTest {

    private static final String ID = "a".repeat(64);

    @TempDir
    Path root;

    private final TestClock clock = new TestClock();
    private final List<Runnable> queued = new ArrayList<>();
    private final Executor walker = queued::add;

    @Test
    void firstAsk_notMeasuredYet_walkQueued() throws IOException {
        WritableLayers layers = layers();
        Files.createDirectories(paths().upper(ID));

        assertThat(layers.usage(ID)).as("never walked on the caller's thread").isEmpty();
        runQueued();
        assertThat(layers.usage(ID)).isPresent();
    }

    @Test
    void afterTheWalk_sizeAnswered_untilTheIntervalPassed() throws IOException {
        WritableLayers layers = layers();
        Path upper = Files.createDirectories(paths().upper(ID));
        Files.write(upper.resolve("file"), new byte[1000]);
        layers.usage(ID);
        runQueued();

        LayerUsage first = layers.usage(ID).orElseThrow();
        assertThat(first.bytes()).isGreaterThanOrEqualTo(1000);
        assertThat(first.inodes()).isEqualTo(2);

        Files.write(upper.resolve("more"), new byte[5000]);
        clock.advance(Duration.ofSeconds(30));
        assertThat(layers.usage(ID).orElseThrow()).as("cached within the interval").isEqualTo(first);
        runQueued();
        assertThat(layers.usage(ID).orElseThrow()).as("no walk within the interval").isEqualTo(first);

        clock.advance(Duration.ofSeconds(31));
        assertThat(layers.usage(ID).orElseThrow()).as("stale: the old size while the walk runs").isEqualTo(first);
        runQueued();
        assertThat(layers.usage(ID).orElseThrow().bytes()).isGreaterThanOrEqualTo(6000);
    }

    @Test
    void removedContainer_zero() {
        WritableLayers layers = layers();
        layers.usage(ID);
        runQueued();

        assertThat(layers.usage(ID).orElseThrow().bytes()).isZero();
    }

    private WritableLayers layers() {
        return new WritableLayers(paths(), Duration.ofMinutes(1), walker, clock);
    }

    private ContainerPaths paths() {
        return ContainerPaths.of(root.resolve("root"), root.resolve("state"));
    }

    private void runQueued() {
        while (!queued.isEmpty()) {
            queued.removeFirst().run();
        }
    }
}
