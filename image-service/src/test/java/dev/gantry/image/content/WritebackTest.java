package dev.gantry.image.content;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WritebackTest {

    @TempDir
    Path dir;

    @Test
    void flusher_runsFromTheFirstPullToTheLast_andNoLonger() throws InterruptedException {
        Writeback writeback = new Writeback(dir, Duration.ofMillis(5));

        writeback.begin();
        writeback.begin();
        Thread flusher = flusher();
        writeback.end();
        assertThat(flusher.isAlive()).as("one pull still writes").isTrue();
        writeback.end();
        flusher.join(Duration.ofSeconds(10));

        assertThat(flusher.isAlive()).isFalse();
        writeback.begin(); // a later pull gets a new flusher
        Thread next = flusher();
        assertThat(next).isNotSameAs(flusher);
        writeback.end();
        next.join(Duration.ofSeconds(10));
        assertThat(next.isAlive()).isFalse();
    }

    private static Thread flusher() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("image-writeback") && t.isAlive())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no image-writeback thread"));
    }
}
