package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitStatusTest {

    private static final String ID = "0123456789abcdef".repeat(4);

    @TempDir
    Path dir;

    @Test
    void read_codeWithTrailingNewline_parsesCodeAndMtime() throws Exception {
        Path file = Files.writeString(dir.resolve(ID), "137\n");
        Instant mtime = Instant.parse("2026-01-02T03:04:05.123456789Z");
        Files.setLastModifiedTime(file, FileTime.from(mtime));

        ExitStatus status = ExitStatus.read(file);

        assertThat(status).isEqualTo(new ExitStatus(ID, 137, mtime, false));
    }

    @Test
    void read_codeAsConmonWritesIt_parsesCode() throws Exception {
        assertThat(ExitStatus.read(Files.writeString(dir.resolve(ID), "0")).exitCode()).isZero();
    }

    @Test
    void read_emptyFile_unknownCode() throws Exception {
        assertThat(ExitStatus.read(Files.writeString(dir.resolve(ID), "")).exitCode()).isEqualTo(ExitStatus.UNKNOWN_CODE);
    }

    @Test
    void read_garbage_unknownCode() throws Exception {
        assertThat(ExitStatus.read(Files.writeString(dir.resolve(ID), "exited\n")).exitCode()).isEqualTo(ExitStatus.UNKNOWN_CODE);
        assertThat(ExitStatus.read(Files.writeString(dir.resolve(ID), "9".repeat(100))).exitCode()).isEqualTo(ExitStatus.UNKNOWN_CODE);
    }

    @Test
    void read_missingFile_throwsNoSuchFile() {
        assertThatThrownBy(() -> ExitStatus.read(dir.resolve(ID))).isInstanceOf(NoSuchFileException.class);
    }
}
