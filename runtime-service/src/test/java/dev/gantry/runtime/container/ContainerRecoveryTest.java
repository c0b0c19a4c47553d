package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gantryd restarting over what the last run left on disk and in the runtime, with fakes. */
class ContainerRecoveryTest {

    private static final String ID = "a".repeat(64);

    @TempDir
    Path dir;
    private Lifecycle lc;

    @BeforeEach
    void setUp() throws Exception {
        lc = new Lifecycle(dir);
    }

    @Test
    void creatingRecord_isUndone() throws Exception {
        lc.store.create(ContainerFixtures.container(ID, "app", new ContainerState.Creating()));
        lc.system.rootfs().mount(lc.images.layers(FakeImages.BUSYBOX), lc.paths.upper(ID), lc.paths.work(ID), lc.paths.rootfs(ID));
        lc.runtime.create(ID);

        ContainerRecovery.Report report = recover();

        assertThat(report.undone()).isEqualTo(1);
        lc.assertGone(ID);
    }

    @Test
    void removingRecord_isFinished() throws Exception {
        Container c = lc.create("app");
        lc.store.update(c.id(), Container::markRemoving);

        ContainerRecovery.Report report = recover();

        assertThat(report.removed()).isEqualTo(1);
        lc.assertGone(c.id());
    }

    @Test
    void removedContainer_filesNotYetDeleted_areDeleted() throws Exception {
        lc.restart(unused -> {}); // gantryd stops before the deletion runs
        Container c = lc.create("app");
        lc.manager.remove(c.id());
        assertThat(lc.paths.removed(c.id())).exists();

        ContainerRecovery.Report report = recover();

        assertThat(report.removed()).isEqualTo(1);
        lc.assertGone(c.id());
    }

    @Test
    void createdRecord_runtimeSaysRunning_isRunning() throws Exception {
        Container c = lc.create("app");
        lc.runtime.start(c.id()); // started just before the crash, before the record said so

        ContainerRecovery.Report report = recover();

        assertThat(report.live()).isEqualTo(1);
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Running.class);
    }

    @Test
    void createdRecord_conmonEndedWithGantrydBeforeRuncCreate_isCreatedAgainAndStarts() throws Exception {
        Container c = lc.create("app");
        lc.runtime.onStop(id -> {}); // gantryd is down: nobody hears of exits
        lc.runtime.delete(c.id()); // gantryd was killed before its conmon had run runc create

        ContainerRecovery.Report report = recover();

        assertThat(report.live()).isEqualTo(1);
        assertThat(lc.runtime.state(c.id())).hasValueSatisfying(s -> assertThat(s.status()).isEqualTo("created"));
        lc.manager.start(c.id());
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Running.class);
    }

    @Test
    void createdRecord_runDirGoneWithAReboot_isExitedUnknown() throws Exception {
        Container c = lc.create("app");
        lc.runtime.onStop(id -> {});
        lc.runtime.delete(c.id());
        ContainerStore.deleteTree(lc.paths.runDir(c.id()));

        ContainerRecovery.Report report = recover();

        assertThat(report.exited()).isEqualTo(1);
        assertThat(lc.runtime.knows(c.id())).isFalse();
        assertThat(lc.manager.status(c.id()).state()).isInstanceOfSatisfying(ContainerState.Exited.class,
                e -> assertThat(e.reason()).isEqualTo("Unknown"));
    }

    @Test
    void runningRecord_runtimeSaysRunning_isKeptAndItsImageHeld() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());
        long leasesBefore = lc.images.openLeases();

        ContainerRecovery.Report report = recover();

        assertThat(report.live()).isEqualTo(1);
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Running.class);
        assertThat(lc.images.openLeases()).isEqualTo(leasesBefore + 1);
    }

    @Test
    void runningRecord_runtimeForgotIt_noExitFile_isExitedUnknown() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());
        lc.runtime.onStop(id -> {});
        lc.runtime.delete(c.id());

        ContainerRecovery.Report report = recover();

        assertThat(report.exited()).isEqualTo(1);
        assertThat(lc.manager.status(c.id()).state()).isInstanceOfSatisfying(ContainerState.Exited.class,
                e -> assertThat(e.reason()).isEqualTo("Unknown"));
    }

    @Test
    void runningRecord_runtimeStoppedWithExitFile_isLeftToTheExitWatcher() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());
        lc.runtime.exitBehindOurBack(c.id());
        Files.writeString(lc.paths.exitFile(c.id()), "0");

        recover();

        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Running.class);
    }

    @Test
    void leftoversNoRecordClaims_areRemoved() throws Exception {
        Files.createDirectories(lc.paths.runDir(ID));
        Files.writeString(lc.paths.exitFile(ID), "0");
        lc.runtime.create(ID);

        recover();

        lc.assertGone(ID);
    }

    @Test
    void recoveredContainer_canBeStoppedAndRemoved() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());

        recover();
        lc.manager.stop(c.id(), java.time.Duration.ZERO);
        lc.manager.remove(c.id());

        lc.assertGone(c.id());
    }

    private ContainerRecovery.Report recover() {
        lc.restart();
        return new ContainerRecovery(lc.store, lc.system, lc.manager).recover();
    }
}
