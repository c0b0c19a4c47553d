package dev.gantry.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @TempDir
    Path dir;

    private long filesIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.count();
        }
    }

    @Test
    void write_overExisting_replacesContentAndLeavesNoTemp() throws IOException {
        Path file = dir.resolve("pod.json");
        AtomicFile.write(file, "old".getBytes());
        AtomicFile.write(file, "new".getBytes());

        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void replace_overExisting_replacesContentAndLeavesNoTemp() throws IOException {
        Path file = dir.resolve("hosts");
        AtomicFile.replace(file, "a".getBytes());
        AtomicFile.replace(file, "b".getBytes());

        assertThat(Files.readString(file)).isEqualTo("b");
        assertThat(filesIn(dir)).isEqualTo(1);
    }

    @Test
    void write_missingDirectory_failsAndCreatesNothing() {
        Path file = dir.resolve("missing").resolve("pod.json");

        assertThatThrownBy(() -> AtomicFile.write(file, "x".getBytes())).isInstanceOf(IOException.class);
        assertThat(Files.exists(dir.resolve("missing"))).isFalse();
    }

    @Test
    void write_renameRefused_failsAndLeavesNoTemp() throws IOException {
        // A non-empty directory under the record's name: the rename over it fails after the temp was written.
        Path file = dir.resolve("pod.json");
        Files.createDirectory(file);
        Files.writeString(file.resolve("inside"), "x");

        assertThatThrownBy(() -> AtomicFile.write(file, "new".getBytes())).isInstanceOf(IOException.class);
        assertThat(filesIn(dir)).isEqualTo(1);
        assertThat(Files.readString(file.resolve("inside"))).isEqualTo("x");
    }
}
