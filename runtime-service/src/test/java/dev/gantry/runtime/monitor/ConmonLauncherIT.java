package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real conmon and runc (root): a busybox container created through {@link ConmonLauncher},
 * started with {@code runc start}, its exit code and output read back from conmon's files.
 */
class ConmonLauncherIT {

    private BusyboxContainer container;

    @BeforeEach
    void requireConmonAndRunc() {
        BusyboxContainer.assumeAvailable();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (container != null) {
            container.close();
        }
    }

    @Test
    void launch_busyboxEcho_createsContainerThatLogsAndExits3() throws Exception {
        container = BusyboxContainer.prepare(List.of("/bin/sh", "-c", "echo hello; exit 3"), 0, BusyboxContainer.Stdio.NONE,
                BusyboxContainer.newId());
        ConmonCommand command = container.command();

        ConmonLaunch launch = new ConmonLauncher(Clock.systemUTC()).launch(command, Instant.now().plusSeconds(60));

        assertThat(launch.containerPid()).isPositive();
        assertThat(Files.readString(command.containerPidFile()).strip()).isEqualTo(Long.toString(launch.containerPid()));
        assertThat(launch.conmonPid()).isPresent();
        assertThat(Files.readString(Path.of("/proc", Long.toString(launch.conmonPid().getAsLong()), "cmdline"))).contains(container.id());
        assertThat(runc("start")).isZero();
        assertThat(container.awaitExitCode()).isEqualTo(3);
        assertThat(Files.readAllLines(command.logPath())).anyMatch(line -> line.matches("\\S+ stdout F hello"));
    }

    @Test
    void launch_missingProcessBinary_failsWithRuntimeMessageAndLeavesNothing() throws Exception {
        container = BusyboxContainer.prepare(List.of("/nonexistent/prog"), 0, BusyboxContainer.Stdio.NONE, BusyboxContainer.newId());
        String id = container.id();

        assertThatThrownBy(() -> new ConmonLauncher(Clock.systemUTC()).launch(container.command(), Instant.now().plusSeconds(60)))
                .isInstanceOf(ConmonLaunchException.class)
                .hasMessageContaining("create container " + id)
                .hasMessageContaining("/nonexistent/prog");

        assertThat(runc("state")).as("runc state").isNotZero();
        assertThat(BusyboxContainer.processesNaming(id)).isEmpty();
    }

    private int runc(String command) throws Exception {
        return BusyboxContainer.run(BusyboxContainer.RUNC.toString(), "--root", container.runcRoot().toString(), command, container.id());
    }
}
