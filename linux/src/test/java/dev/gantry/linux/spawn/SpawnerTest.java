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
    void exitCode_exitedOrSignalled() {
        assertThat(Spawner.exitCode(3 << 8)).isEqualTo(3);
        assertThat(Spawner.exitCode(0)).isEqualTo(0);
        assertThat(Spawner.exitCode(9)).isEqualTo(137);
        assertThat(Spawner.exitCode(15 | 0x80)).as("core dumped flag ignored").isEqualTo(143);
    }

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

    @Test
    void spawn_pipeMappedAsFd3_childWritesParentReads() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            long pid = Spawner.spawn(List.of("/bin/sh", "-c", "echo hi >&3"), Map.of(), Optional.empty(), Map.of(3, pipe.writeFd()));
            pipe.closeWrite();

            String got = readAll(pipe.readFd());

            assertThat(got).isEqualTo("hi\n");
            assertThat((Spawner.waitFor(pid) >> 8) & 0xff).isZero();
        }
    }

    @Test
    void spawn_workingDir_childStartsThere() throws Exception {
        Path out = tmp.resolve("cwd.txt");
        Path dir = Files.createDirectory(tmp.resolve("work"));

        long pid = Spawner.spawn(List.of("/bin/sh", "-c", "pwd; touch marker"), Map.of(), Optional.of(out), Map.of(), Optional.of(dir));
        Spawner.waitFor(pid);

        assertThat(Files.readString(out).strip()).isEqualTo(dir.toString());
        assertThat(dir.resolve("marker")).exists();
    }

    @Test
    void spawn_fdMap_childSeesOnlyStdioAndMappedFds() throws Exception {
        Path out = tmp.resolve("fds.txt");
        try (Pipe a = Pipe.open(); Pipe b = Pipe.open(); Pipe unmapped = Pipe.open()) {
            // Two mapped pipes, swapped on purpose so a source number may equal another target number.
            // No pipeline: while one runs the shell itself holds its pipe fds, which ls would list.
            long pid = Spawner.spawn(List.of("/bin/sh", "-c", "ls /proc/$$/fd; echo one >&3; echo two >&5"),
                    Map.of(), Optional.of(out), Map.of(3, a.writeFd(), 5, b.writeFd()));
            a.closeWrite();
            b.closeWrite();

            assertThat(readAll(a.readFd())).isEqualTo("one\n");
            assertThat(readAll(b.readFd())).isEqualTo("two\n");
            Spawner.waitFor(pid);
            // fd 4 lies between the mapped numbers and must not carry anything of the parent's.
            assertThat(Files.readAllLines(out).stream().map(String::strip).filter(l -> !l.isEmpty()).map(Integer::parseInt).sorted())
                    .containsExactly(0, 1, 2, 3, 5);
            assertThat(unmapped.readFd()).isPositive();
        }
    }

    @Test
    void spawn_fdMapCrossed_eachTargetGetsItsOwnSource() throws Exception {
        try (Pipe a = Pipe.open(); Pipe b = Pipe.open()) {
            int fa = a.writeFd();
            int fb = b.writeFd();
            // The child's numbers are the parent's own numbers crossed over: naive dup2 in order would clobber one.
            // bash, because dash redirects only fds 0 to 9.
            long pid = Spawner.spawn(List.of("/bin/bash", "-c", "echo A >&" + fb + "; echo B >&" + fa),
                    Map.of(), Optional.empty(), Map.of(fb, fa, fa, fb));
            a.closeWrite();
            b.closeWrite();

            assertThat(readAll(a.readFd())).isEqualTo("A\n");
            assertThat(readAll(b.readFd())).isEqualTo("B\n");
            Spawner.waitFor(pid);
        }
    }

    @Test
    void spawn_stderrMappedToPipe_parentReadsIt() throws Exception {
        try (Pipe err = Pipe.open()) {
            long pid = Spawner.spawn(List.of("/bin/sh", "-c", "echo oops >&2"), Map.of(), Optional.empty(), Map.of(2, err.writeFd()));
            err.closeWrite();

            assertThat(readAll(err.readFd())).isEqualTo("oops\n");
            Spawner.waitFor(pid);
        }
    }

    @Test
    void read_nothingWritten_returnsZeroAtTimeout() throws Exception {
        try (Pipe pipe = Pipe.open()) {
            assertThat(Fds.read(pipe.readFd(), new byte[8], 20)).isZero();
            pipe.closeWrite();
            assertThat(Fds.read(pipe.readFd(), new byte[8], 20)).isEqualTo(-1);
        }
    }

    @Test
    void pipe_closedEnd_isRefused() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.close();
        pipe.close();
        assertThatThrownBy(pipe::readFd).isInstanceOf(IllegalStateException.class);
    }

    private static String readAll(int fd) throws Exception {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[256];
        while (true) {
            int n = Fds.read(fd, buf, 10_000);
            if (n < 0) {
                return got.toString(java.nio.charset.StandardCharsets.UTF_8);
            }
            if (n == 0) {
                throw new AssertionError("no EOF on fd " + fd + " after 10 s; got " + got);
            }
            got.write(buf, 0, n);
        }
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
