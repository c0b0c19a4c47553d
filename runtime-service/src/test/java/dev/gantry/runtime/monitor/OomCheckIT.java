package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.linux.cgroup.Cgroups;
import dev.gantry.runtime.oci.RuncRuntime;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real conmon and runc (root): a container over its memory limit is OOM-killed, and the cgroup says so. */
class OomCheckIT {

    private static final long LIMIT = 16L << 20;

    private BusyboxContainer container;

    @BeforeEach
    void setUp() {
        BusyboxContainer.assumeAvailable();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (container != null) {
            container.close();
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
