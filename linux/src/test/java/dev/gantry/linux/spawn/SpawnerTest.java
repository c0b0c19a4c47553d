package dev.gantry.linux.spawn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.fs.ErrnoException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpawnerTest {

    @TempDir
    Path tmp;

    @Test
    void spawn_shellScript_getsOnlyGivenEnvAndNoExtraFdsAndIsReaped() throws Exception {
        Path out = tmp.resolve("out.txt");
        long pid = Spawner.spawn(List.of("/bin/sh", "-c", "echo \"env=$GANTRY_TEST home=${HOME:-unset}\"; ls /proc/self/fd | wc -l; echo err >&2; exit 3"),
                Map.of("GANTRY_TEST", "yes", "PATH", "/usr/bin:/bin"), Optional.of(out));

        int status = awaitExit(pid);

        assertThat((status >> 8) & 0xff).as("exit code").isEqualTo(3);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.get(0)).isEqualTo("env=yes home=unset");
        // 0, 1, 2 and the one ls opens to read /proc/self/fd: nothing of the JVM's leaks in.
        assertThat(lines.get(1).strip()).isEqualTo("4");
        assertThat(lines.get(2)).isEqualTo("err");
        assertThat(Spawner.reap(pid)).as("already reaped").isEmpty();
    }

    @Test
    void spawn_ownSession_differsFromOurs() throws Exception {
        Path out = tmp.resolve("sid.txt");
        long pid = Spawner.spawn(List.of("/bin/sh", "-c", "cut -d' ' -f6 /proc/$$/stat"), Map.of(), Optional.of(out));
        awaitExit(pid);

        long sid = Long.parseLong(Files.readAllLines(out).get(0).strip());
        assertThat(sid).isEqualTo(pid);
    }

    @Test
    void spawn_missingProgram_failsNamingIt() {
        assertThatThrownBy(() -> Spawner.spawn(List.of("/nonexistent/prog"), Map.of(), Optional.empty()))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("/nonexistent/prog")
                .hasMessageContaining("No such file");
    }

    @Test
    void spawn_relativeProgram_isRefused() {
        assertThatThrownBy(() -> Spawner.spawn(List.of("sh"), Map.of(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int awaitExit(long pid) throws Exception {
        for (int i = 0; i < 1000; i++) {
            OptionalInt status = Spawner.reap(pid);
            if (status.isPresent()) {
                return status.getAsInt();
            }
            Thread.sleep(10);
        }
        throw new AssertionError("child " + pid + " did not exit");
    }
}
