package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync/start pipe protocol against fake conmons (shell scripts); the real one is in ConmonLauncherIT. */
class ConmonLauncherTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    private final ConmonLauncher launcher = new ConmonLauncher(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void launch_conmonReportsPidAfterOtherLines_returnsPidAndMonitorPid() throws Exception {
        // Waits for the start byte first: a pid written before it would mean we never gave the go.
        ConmonCommand cmd = fake("""
                head -c1 <&4 > "$TMPDIR_/started"
                echo 7777 > "$TMPDIR_/conmon.pid"
                echo '{"info": "hello"}' >&3
                echo '{"pid": 4242}' >&3
                """);

        ConmonLaunch launch = launcher.launch(cmd, NOW.plusSeconds(30));

        assertThat(launch.containerPid()).isEqualTo(4242);
        assertThat(launch.conmonPid()).isEqualTo(OptionalLong.of(7777));
        assertThat(Files.size(tmp.resolve("started"))).isEqualTo(1);
    }

    @Test
    void launch_getsPipesAsFd3And4WithEnv() throws Exception {
        ConmonCommand cmd = fake("""
                echo "$_OCI_SYNCPIPE $_OCI_STARTPIPE" > "$TMPDIR_/env"
                head -c1 <&4 >/dev/null
                echo '{"pid": 1}' >&3
                """);

        launcher.launch(cmd, NOW.plusSeconds(30));

        assertThat(Files.readString(tmp.resolve("env")).strip()).isEqualTo("3 4");
    }

    @Test
    void launch_conmonReportsFailure_throwsWithItsMessage() throws Exception {
        ConmonCommand cmd = fake("""
                head -c1 <&4 >/dev/null
                echo '{"pid": -1, "message": "runc create failed: unable to apply cgroup configuration: no such file"}' >&3
                exit 1
                """);

        assertThatThrownBy(() -> launcher.launch(cmd, NOW.plusSeconds(30)))
                .isInstanceOf(ConmonLaunchException.class)
                .hasMessageContaining("create container c1 with conmon: runc create failed: unable to apply cgroup configuration: no such file")
                .extracting(e -> ((ConmonLaunchException) e).kind()).isEqualTo(ErrorKind.INTERNAL);
    }

    @Test
    void launch_commandMissing_invalidArgumentWithRuncsExecLine() throws Exception {
        ConmonCommand cmd = fake("""
                head -c1 <&4 >/dev/null
                printf '%s\\n' '{"pid": -1, "message": "time=\\"t\\" level=error msg=\\"runc create failed: exec: \\\\\\"/nope\\\\\\": no such file\\"\\n"}' >&3
                exit 1
                """);

        assertThatThrownBy(() -> launcher.launch(cmd, NOW.plusSeconds(30)))
                .isInstanceOf(ConmonLaunchException.class)
                .hasMessage("create container c1 with conmon: the container's command cannot be run: exec: \"/nope\": no such file")
                .extracting(e -> ((ConmonLaunchException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }

    @Test
    void launch_conmonExitsSilently_throwsWithItsStderr() throws Exception {
        ConmonCommand cmd = fake("""
                echo "[conmon:e]: bad flag --frobnicate" >&2
                exit 1
                """);

        assertThatThrownBy(() -> launcher.launch(cmd, NOW.plusSeconds(30)))
                .isInstanceOf(ConmonLaunchException.class)
                .hasMessageContaining("conmon exited without reporting a container pid")
                .hasMessageContaining("bad flag --frobnicate");
    }

    @Test
    void launch_deadlinePassedBeforeStart_throwsDeadlineExceeded() throws Exception {
        ConmonCommand cmd = fake("exec sleep 600\n");

        assertThatThrownBy(() -> launcher.launch(cmd, NOW))
                .isInstanceOf(ConmonLaunchException.class)
                .extracting(e -> ((ConmonLaunchException) e).kind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED);
    }

    @Test
    void launch_deadlinePassesWhileWaiting_killsAndReapsConmon() throws Exception {
        // The line without a pid wakes the launcher, which then finds the clock past the deadline.
        ConmonCommand cmd = fake("""
                echo $$ > "$TMPDIR_/self.tmp"; mv "$TMPDIR_/self.tmp" "$TMPDIR_/self"
                echo '{"info": "still busy"}' >&3
                exec sleep 600
                """);
        Clock stepping = new Clock() {
            private final Iterator<Instant> ticks = List.of(NOW, NOW.plusSeconds(3600)).iterator();
            private Instant last = NOW;

            @Override
            public Instant instant() {
                last = ticks.hasNext() ? ticks.next() : last;
                return last;
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };

        assertThatThrownBy(() -> new ConmonLauncher(stepping).launch(cmd, NOW.plusSeconds(30)))
                .isInstanceOf(ConmonLaunchException.class)
                .hasMessageContaining("before the deadline")
                .extracting(e -> ((ConmonLaunchException) e).kind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED);
        // Killed and reaped by the launcher: no such process any more, not even a zombie.
        String pid = Files.readString(tmp.resolve("self")).strip();
        assertThat(Path.of("/proc", pid)).doesNotExist();
    }

    /** A conmon stand-in: {@code body} runs under /bin/sh with TMPDIR_ set to the test's temp dir. */
    private ConmonCommand fake(String body) throws Exception {
        Path script = tmp.resolve("conmon");
        Files.writeString(script, "#!/bin/sh\nTMPDIR_='" + tmp + "'\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return new ConmonCommand(script, "c1", "web", tmp.resolve("bundle"), Path.of("/usr/sbin/runc"), tmp.resolve("runc"),
                tmp.resolve("pidfile"), tmp.resolve("conmon.pid"), tmp.resolve("log"), tmp.resolve("exits"), tmp.resolve("sockets"),
                false, false, false, OptionalLong.empty());
    }
}
