package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.linux.cgroup.Cgroups;
import dev.gantry.runtime.oci.RuncRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real conmon and runc (root): a container over its memory limit is OOM-killed, and the cgroup says so. */
class OomCheckIT {

    private static final long LIMIT = 16L << 20;

    /**
     * conmon (cgroup v1) drops an empty file "oom" into its working directory when it sees the OOM
     * event, and ConmonLauncher leaves conmon in ours.
     */
    private static final Path CONMON_OOM_FILE = Path.of("oom").toAbsolutePath();

    private BusyboxContainer container;
    private boolean oomFileWasThere;

    @BeforeEach
    void setUp() {
        BusyboxContainer.assumeAvailable();
        oomFileWasThere = Files.exists(CONMON_OOM_FILE);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (container != null) {
                container.close();
            }
        } finally {
            if (!oomFileWasThere) {
                Files.deleteIfExists(CONMON_OOM_FILE);
            }
        }
    }

    @Test
    void oomKilled_shellHoldingFourTimesItsLimit_returnsTrue() throws Exception {
        container = BusyboxContainer.create("x=$(busybox head -c 64m /dev/zero | busybox tr '\\0' a); echo survived ${#x}", LIMIT);
        runc().start(container.id());

        // The shell holds the string, so it is the biggest process and the one killed: SIGKILL, 128 + 9.
        assertThat(container.awaitExitCode()).isEqualTo(137);

        assertThat(new OomCheck(Cgroups.detect()).oomKilled(container.cgroupsPath())).isTrue();
    }

    @Test
    void oomKilled_normalExitUnderLimit_returnsFalse() throws Exception {
        container = BusyboxContainer.create("x=$(busybox head -c 1m /dev/zero | busybox tr '\\0' a); echo ${#x}", LIMIT);
        runc().start(container.id());

        assertThat(container.awaitExitCode()).isZero();

        assertThat(new OomCheck(Cgroups.detect()).oomKilled(container.cgroupsPath())).isFalse();
    }

    private RuncRuntime runc() {
        return new RuncRuntime(BusyboxContainer.RUNC, container.runcRoot(), Duration.ofSeconds(30));
    }
}
