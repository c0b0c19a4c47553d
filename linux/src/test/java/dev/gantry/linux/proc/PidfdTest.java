package dev.gantry.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PidfdTest {

    private Process child;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void killAndWait_runningChild_exitsBySigkill() throws Exception {
        child = new ProcessBuilder("sleep", "300").start();

        try (Pidfd pidfd = Pidfd.open(child.pid()).orElseThrow()) {
            assertThat(pidfd.waitExit(Duration.ZERO)).as("still running").isFalse();
            assertThat(pidfd.kill(Pidfd.SIGKILL)).isTrue();
            assertThat(pidfd.waitExit(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(128 + Pidfd.SIGKILL);
        assertThat(Pidfd.open(child.pid())).as("reaped, so no process").isEmpty();
    }

    @Test
    void kill_exitedButOpen_returnsFalse() throws Exception {
        child = new ProcessBuilder("true").start();
        Optional<Pidfd> handle = Pidfd.open(child.pid());
        child.waitFor();

        if (handle.isPresent()) {
            try (Pidfd pidfd = handle.get()) {
                assertThat(pidfd.waitExit(Duration.ofSeconds(30))).isTrue();
                assertThat(pidfd.kill(Pidfd.SIGKILL)).isFalse();
            }
        }
    }

    @Test
    void startTime_ownProcess_readAndStable() throws Exception {
        long self = ProcessHandle.current().pid();

        ProcStat first = ProcStat.read(self).orElseThrow();

        assertThat(first.alive()).isTrue();
        assertThat(first.startTime()).isPositive().isEqualTo(ProcStat.read(self).orElseThrow().startTime());
        assertThat(ProcStat.read(Integer.MAX_VALUE)).isEmpty();
    }
}
