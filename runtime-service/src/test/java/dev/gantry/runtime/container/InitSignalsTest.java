package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which stops signal the container's init through a pidfd and which leave it to runc: the manager
 * over fakes, with the fake runtime's processes visible ({@link FakeContainerProcesses#show}).
 */
class InitSignalsTest {

    private static final int SIGTERM = 15;
    private static final int SIGKILL = 9;

    @TempDir
    Path dir;
    private Lifecycle lc;

    @BeforeEach
    void setUp() throws Exception {
        lc = new Lifecycle(dir);
        lc.processes.show();
    }

    @Test
    void stop_ownPidNamespace_signalsTheInitItselfAndRuncNever() throws Exception {
        Container c = started("app");
        lc.runtime.ignore(SIGTERM);

        lc.manager.stop(c.id(), Duration.ofMillis(50));

        assertThat(lc.processes.signals).containsExactly(c.pid() + " " + SIGTERM, c.pid() + " " + SIGKILL);
        assertThat(lc.runtime.calls()).noneMatch(call -> call.startsWith("kill "));
        assertThat(lc.manager.status(c.id()).state()).isInstanceOfSatisfying(ContainerState.Exited.class,
                e -> assertThat(e.exitCode()).isEqualTo(137));
        lc.manager.remove(c.id());
        lc.assertGone(c.id());
    }

    @Test
    void stop_sharedPidNamespace_sigkillsTheInitThenItsCgroupPeers_runcNever() throws Exception {
        Container c = started("app");
        lc.processes.sharePidNamespace(c.pid());
        lc.processes.cgroupPeers(c.pid(), 4001L, 4002L);
        lc.runtime.ignore(SIGTERM);

        lc.manager.stop(c.id(), Duration.ofMillis(50));

        // Killing only the init would leave its children running in the pod's namespace; the init
        // goes first, so it dies of SIGKILL (137) rather than of its children's deaths.
        assertThat(lc.processes.signals).containsExactly(c.pid() + " " + SIGTERM, c.pid() + " " + SIGKILL, "4001 " + SIGKILL,
                "4002 " + SIGKILL);
        assertThat(lc.runtime.calls()).noneMatch(call -> call.startsWith("kill "));
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Exited.class);
    }

    @Test
    void stop_sharedPidNamespace_cgroupUnreadable_stopSignalToTheInitButSigkillThroughRunc() throws Exception {
        Container c = started("app");
        lc.processes.sharePidNamespace(c.pid());
        lc.processes.cgroupsUnreadable();
        lc.runtime.ignore(SIGTERM);

        lc.manager.stop(c.id(), Duration.ofMillis(50));

        assertThat(lc.processes.signals).containsExactly(c.pid() + " " + SIGTERM);
        assertThat(lc.runtime.calls()).contains("kill " + c.id() + " 9 all");
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Exited.class);
    }

    @Test
    void stop_ownPidNamespace_leavesTheCgroupToTheKernel() throws Exception {
        Container c = started("app");
        lc.processes.cgroupPeers(c.pid(), 4001L);

        lc.manager.stop(c.id(), Duration.ZERO);

        // pid 1's death kills its namespace: no cgroup walk, one signal.
        assertThat(lc.processes.signals).containsExactly(c.pid() + " " + SIGKILL);
    }

    @Test
    void stop_pidHeldByALaterProcess_signalsNothingButRunc() throws Exception {
        Container c = started("app");
        lc.processes.reuse(c.pid());

        lc.manager.stop(c.id(), Duration.ZERO);

        assertKilledByRuncAlone(c);
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Exited.class);
    }

    @Test
    void stop_containerStartedBeforeARestart_goesThroughRunc() throws Exception {
        Container c = started("app");

        lc.restart();
        lc.manager.stop(c.id(), Duration.ZERO);

        assertKilledByRuncAlone(c);
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Exited.class);
    }

    @Test
    void stop_createdContainer_killsThroughRunc() throws Exception {
        Container c = lc.create("app");

        lc.manager.stop(c.id(), Duration.ofSeconds(5));

        assertKilledByRuncAlone(c);
    }

    @Test
    void remove_ofARunningContainer_killsItsInitWithoutRunc() throws Exception {
        Container c = started("app");

        lc.manager.remove(c.id());

        assertThat(lc.processes.signals).containsExactly(c.pid() + " " + SIGKILL);
        assertThat(lc.runtime.calls()).noneMatch(call -> call.startsWith("kill "));
        lc.assertGone(c.id());
    }

    /** No signal went through a pidfd: the container was killed by {@code runc kill --all}. */
    private void assertKilledByRuncAlone(Container c) {
        assertThat(lc.processes.signals).isEmpty();
        assertThat(lc.runtime.calls()).contains("kill " + c.id() + " 9 all");
    }

    private Container started(String name) throws Exception {
        Container c = lc.manager.start(lc.create(name).id());
        assertThat(c.pid()).isPositive();
        return c;
    }
}
