package dev.gantry.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CommandTest {

    private static final Map<String, String> PATH = Map.of("PATH", "/usr/bin:/bin");
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void run_passesEnvAndStdin_collectsBothStreamsAndTheExitCode() throws Exception {
        Command.Result r = Command.run(List.of("/bin/sh", "-c", "echo \"cmd=$CNI_COMMAND\"; cat; echo oops >&2; exit 4"),
                Map.of("CNI_COMMAND", "ADD"), bytes("{\"x\":1}"), LONG, 1 << 20);

        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(text(r.stdout())).isEqualTo("cmd=ADD\n{\"x\":1}");
        assertThat(text(r.stderr())).isEqualTo("oops\n");
    }

    @Test
    void run_onlyTheGivenEnvironment_andNoStdinReadsNothing() throws Exception {
        Command.Result r = Command.run(List.of("/bin/sh", "-c", "echo \"home=$HOME\"; cat"), PATH, null, LONG, 1 << 20);

        assertThat(r.exitCode()).isZero();
        assertThat(text(r.stdout())).isEqualTo("home=\n");
    }

    @Test
    void run_stdinLargerThanAPipeBuffer_arrivesWhole() throws Exception {
        byte[] mib = new byte[1 << 20];

        Command.Result r = Command.run(List.of("/usr/bin/wc", "-c"), PATH, mib, LONG, 1 << 20);

        assertThat(text(r.stdout()).strip()).isEqualTo(Integer.toString(1 << 20));
    }

    @Test
    void run_outputBeyondTheCap_keepsItsStart() throws Exception {
        Command.Result r = Command.run(List.of("/bin/sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x"), PATH, null, LONG, 1000);

        assertThat(r.exitCode()).isZero();
        assertThat(text(r.stdout())).isEqualTo("x".repeat(1000));
    }

    @Test
    void run_killedBySignal_exitCodeAsAShellGivesIt() throws Exception {
        Command.Result r = Command.run(List.of("/bin/sh", "-c", "kill -TERM $$"), PATH, null, LONG, 1000);

        assertThat(r.exitCode()).isEqualTo(128 + 15);
    }

    @Test
    void run_pastItsDeadline_killedReapedAndReported() throws Exception {
        long before = children();

        assertThatThrownBy(() -> Command.run(List.of("/bin/sleep", "30"), PATH, null, Duration.ofMillis(200), 1000))
                .isInstanceOf(Command.TimeoutException.class)
                .hasMessageContaining("/bin/sleep did not exit within 200 ms");

        assertThat(children()).as("no child left, not even a zombie").isEqualTo(before);
    }

    @Test
    void run_callerInterrupted_killsAndReapsTheChild() throws Exception {
        long before = children();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                Command.run(List.of("/bin/sleep", "30"), PATH, null, LONG, 1000);
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        while (children() == before) {
            Thread.sleep(5);
        }

        caller.interrupt();

        assertThat(thrown.get(30, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class);
        assertThat(children()).isEqualTo(before);
    }

    @Test
    void run_programMissing_failsToStart() {
        assertThatThrownBy(() -> Command.run(List.of("/nonexistent/plugin"), PATH, null, LONG, 1000))
                .hasMessageContaining("/nonexistent/plugin");
    }

    /** This JVM's child processes, zombies included: /proc/<pid>/stat's parent field. */
    private static long children() throws IOException {
        long self = ProcessHandle.current().pid();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .filter(n -> parentOf(n) == self).count();
        }
    }

    private static long parentOf(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
