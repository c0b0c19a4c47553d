package dev.gantry.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.linux.cgroup.Cgroups;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link LinuxProcesses#signalCgroup} on real cgroupfs as root: sleepers moved into cgroups of
 * the test's own, which are removed afterwards even on failure.
 */
class CgroupPeersIT {

    private static final int SIGKILL = 9;

    private final String container = "/gantry-test-peers-" + UUID.randomUUID().toString().substring(0, 8);
    private final String neighbour = container + "-neighbour";
    private final Cgroups cgroups = detect();
    private final LinuxProcesses processes = new LinuxProcesses(cgroups);
    private final List<Process> sleepers = new ArrayList<>();

    private static Cgroups detect() {
        try {
            return Cgroups.detect();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : sleepers) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        cgroups.remove(container);
        cgroups.remove(neighbour);
    }

    @Test
    void signalCgroup_killsTheInitAndEveryOtherProcessOfItsCgroupOnly() throws Exception {
        cgroups.create(container);
        cgroups.create(neighbour);
        Process init = sleeper(container);
        Process child = sleeper(container);
        Process grandchild = sleeper(container);
        Process outside = sleeper(neighbour);

        OptionalInt sent;
        try (Pidfd handle = Pidfd.open(init.pid()).orElseThrow()) {
            sent = processes.signalCgroup(handle, SIGKILL);
        }

        assertThat(sent).hasValue(3);
        for (Process p : List.of(init, child, grandchild)) {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(128 + SIGKILL);
        }
        assertThat(outside.isAlive()).as("another cgroup's process").isTrue();
    }

    @Test
    void signalCgroup_aProcessInGantrydsOwnCgroup_refusedAndNothingSent() throws Exception {
        Process besideUs = sleeper(null);

        try (Pidfd handle = Pidfd.open(besideUs.pid()).orElseThrow()) {
            assertThat(processes.signalCgroup(handle, SIGKILL)).isEmpty();
        }
        assertThat(besideUs.isAlive()).isTrue();
    }

    @Test
    void signalCgroup_initGoneOrNoCgroups_emptyAndNothingSent() throws Exception {
        cgroups.create(container);
        Process init = sleeper(container);
        Process peer = sleeper(container);
        try (Pidfd handle = Pidfd.open(init.pid()).orElseThrow()) {
            assertThat(new LinuxProcesses().signalCgroup(handle, SIGKILL)).as("no cgroups known").isEmpty();
            init.destroyForcibly().waitFor();

            assertThat(processes.signalCgroup(handle, SIGKILL)).as("init exited and reaped").isEmpty();
        }
        assertThat(peer.isAlive()).as("left to the runtime").isTrue();
    }

    /** A {@code sleep} in {@code cgroup}, or in this JVM's own cgroups when null. */
    private Process sleeper(String cgroup) throws IOException {
        Process p = new ProcessBuilder("sleep", "300").start();
        sleepers.add(p);
        if (cgroup != null) {
            cgroups.addProcess(cgroup, p.pid());
        }
        return p;
    }
}
