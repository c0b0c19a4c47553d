package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.v1.LinuxContainerResources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lifecycle over fakes (no root, runc or conmon); the real one is proven by the e2e Container*IT. */
class ContainerManagerTest {

    @TempDir
    Path dir;
    private Lifecycle lc;
    private final List<ContainerEvent.Type> events = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        lc = new Lifecycle(dir);
        lc.events.subscribe(e -> {
            synchronized (events) {
                events.add(e.type());
            }
        });
    }

    @Test
    void createStartStopRemove_walksTheStatesAndLeavesNothing() throws Exception {
        Container c = lc.create("app");
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Created.class);

        lc.manager.start(c.id());
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Running.class);
        assertThat(lc.runtime.state(c.id()).orElseThrow().status()).isEqualTo("running");

        lc.manager.stop(c.id(), Duration.ofSeconds(5));
        assertThat(lc.manager.status(c.id()).state()).isInstanceOfSatisfying(ContainerState.Exited.class,
                e -> assertThat(e.exitCode()).isEqualTo(137));

        lc.manager.remove(c.id());
        lc.assertGone(c.id());
        assertThat(lc.images.openLeases()).isZero();
        synchronized (events) {
            assertThat(events).containsExactly(ContainerEvent.Type.CREATED, ContainerEvent.Type.STARTED,
                    ContainerEvent.Type.STOPPED, ContainerEvent.Type.DELETED);
        }
    }

    @Test
    void stop_sendsTheStopSignalThenSigkillAtTheDeadline() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());
        lc.runtime.ignore(15);

        lc.manager.stop(c.id(), Duration.ofMillis(50));

        assertThat(lc.runtime.calls()).containsSubsequence("kill " + c.id() + " 15", "kill " + c.id() + " 9 all");
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Exited.class);
    }

    @Test
    void stopAndRemove_twiceOrUnknown_areNoErrors() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());

        lc.manager.stop(c.id(), Duration.ZERO);
        lc.manager.stop(c.id(), Duration.ZERO);
        lc.manager.remove(c.id());
        lc.manager.remove(c.id());
        lc.manager.stop(c.id(), Duration.ZERO);
        lc.manager.stop("f".repeat(64), Duration.ZERO);
        lc.manager.remove("f".repeat(64));

        lc.assertGone(c.id());
    }

    @Test
    void exit_releasesRuncStateAndMountsBeforeAnyRemove() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());

        lc.manager.stop(c.id(), Duration.ZERO);

        for (int i = 0; i < 2000 && (lc.runtime.knows(c.id()) || mountedFor(c.id())); i++) {
            Thread.sleep(5);
        }
        assertThat(lc.runtime.knows(c.id())).as("runc state after the exit").isFalse();
        assertThat(mountedFor(c.id())).as("rootfs mounted after the exit").isFalse();
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Exited.class);
        assertThat(lc.images.openLeases()).as("the image stays leased until the remove").isOne();
    }

    private boolean mountedFor(String id) {
        return lc.mounter.mounted().stream().anyMatch(p -> p.toString().contains(id));
    }

    @Test
    void remove_answersWithOnlyTheFilesLeftToDelete() throws Exception {
        List<Runnable> later = new ArrayList<>();
        lc.restart(later::add);
        Container c = lc.create("app");
        lc.manager.start(c.id());
        java.nio.file.Files.writeString(lc.paths.exitFile(c.id()), "137"); // as conmon leaves them

        lc.manager.remove(c.id());

        assertThat(lc.paths.exitFile(c.id())).as("exit file, deleted after the answer").exists();
        assertThat(java.nio.file.Files.exists(lc.paths.attach().resolve(c.id()), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .as("attach link, deleted after the answer").isTrue();
        assertThat(lc.store.find(c.id())).isEmpty();
        assertThat(lc.restart(later::add).list(ContainerFilter.all())).as("after a restart").isEmpty();
        assertThat(lc.mounter.mounted()).as("mounts hold the image's layers").noneMatch(p -> p.toString().contains(c.id()));
        assertThat(lc.images.openLeases()).isZero();
        assertThat(lc.runtime.knows(c.id())).isFalse();
        assertThat(lc.paths.bundle(c.id())).doesNotExist();
        assertThat(lc.paths.removed(c.id()).resolve("container.json")).as("moved out whole").exists();
        assertThat(later).hasSize(1);

        later.forEach(Runnable::run);
        lc.assertGone(c.id());
    }

    @Test
    void remove_createdContainer_killsAndRemovesIt() throws Exception {
        Container c = lc.create("app");

        lc.manager.remove(c.id());

        lc.assertGone(c.id());
        assertThat(lc.images.openLeases()).isZero();
    }

    @Test
    void start_runtimeFails_exitedContainerCannotRun() throws Exception {
        Container c = lc.create("app");
        lc.runtime.failNext("start");

        assertThatThrownBy(() -> lc.manager.start(c.id())).isInstanceOf(GantryException.class);

        assertThat(lc.manager.status(c.id()).state()).isInstanceOfSatisfying(ContainerState.Exited.class,
                e -> assertThat(e.reason()).isEqualTo("ContainerCannotRun"));
    }

    /** A runc create held until released, as a slow one would be: CreateContainer has answered meanwhile. */
    private final CountDownLatch launchGate = new CountDownLatch(1);

    private void holdLaunches() {
        lc.launches = task -> Thread.ofVirtual().start(() -> {
            awaitQuietly(launchGate);
            task.run();
        });
        lc.restart();
    }

    @Test
    void create_answersBeforeRuncCreateEnds_startWaitsForIt() throws Exception {
        holdLaunches();
        Container c = lc.create("app");
        assertThat(c.state()).isInstanceOf(ContainerState.Created.class);
        assertThat(lc.runtime.knows(c.id())).as("runc create has not run yet").isFalse();

        CompletableFuture<Container> started = CompletableFuture.supplyAsync(() -> lc.manager.start(c.id()),
                Executors.newVirtualThreadPerTaskExecutor());
        launchGate.countDown();

        // The fake runtime refuses to start a container it has not created: this start waited.
        Container running = started.get(30, TimeUnit.SECONDS);
        assertThat(running.state()).isInstanceOf(ContainerState.Running.class);
        assertThat(running.pid()).isEqualTo(lc.runtime.state(c.id()).orElseThrow().pid());
        assertThat(lc.runtime.initPidAtStart(c.id())).as("the init's pid, for a start without a runc process").contains(running.pid());
        assertThat(new ContainerStore(lc.paths.containersRoot())).satisfies(fresh -> {
            fresh.load();
            assertThat(fresh.get(c.id()).pid()).as("pid on disk").isEqualTo(running.pid());
        });
    }

    @Test
    void start_launchFailed_failsWithItsMessageOnceThenTheContainerIsExited() throws Exception {
        lc.monitor.failNext();
        Container c = lc.create("app");

        assertThatThrownBy(() -> lc.manager.start(c.id())).isInstanceOf(GantryException.class)
                .hasMessageContaining("injected failure");

        assertThat(lc.manager.status(c.id()).state()).isInstanceOfSatisfying(ContainerState.Exited.class, e -> {
            assertThat(e.reason()).isEqualTo("ContainerCannotRun");
            assertThat(e.message()).contains("injected failure");
        });
        assertThatThrownBy(() -> lc.manager.start(c.id())).isInstanceOfSatisfying(GantryException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
        lc.manager.remove(c.id());
        lc.assertGone(c.id());
        assertThat(lc.images.openLeases()).isZero();
        synchronized (events) {
            assertThat(events).containsExactly(ContainerEvent.Type.CREATED, ContainerEvent.Type.STOPPED, ContainerEvent.Type.DELETED);
        }
    }

    @Test
    void launchFailed_nobodyStartsIt_theContainerTurnsExitedByItself() throws Exception {
        lc.runtime.failNext("create");
        Container c = lc.create("app");

        for (int i = 0; i < 6000 && lc.manager.status(c.id()).state() instanceof ContainerState.Created; i++) {
            Thread.sleep(5);
        }

        assertThat(lc.manager.status(c.id()).state()).isInstanceOfSatisfying(ContainerState.Exited.class,
                e -> assertThat(e.message()).contains("injected failure"));
        assertThatThrownBy(() -> lc.manager.start(c.id())).hasMessageContaining("injected failure");
        lc.manager.remove(c.id());
        lc.assertGone(c.id());
    }

    @Test
    void removeAndStop_whileRuncCreateRuns_waitForItAndLeaveNothing() throws Exception {
        holdLaunches();
        Container removed = lc.create("app");
        Container stopped = lc.create("sidecar");
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try (threads) {
            Future<?> remove = threads.submit(() -> {
                lc.manager.remove(removed.id());
                return null;
            });
            Future<?> stop = threads.submit(() -> {
                lc.manager.stop(stopped.id(), Duration.ZERO);
                return null;
            });
            launchGate.countDown();
            remove.get(30, TimeUnit.SECONDS);
            stop.get(30, TimeUnit.SECONDS);
        }

        lc.assertGone(removed.id());
        assertThat(lc.manager.status(stopped.id()).state()).isInstanceOf(ContainerState.Exited.class);
        assertThat(lc.runtime.calls()).contains("kill " + stopped.id() + " 9 all");
        assertThatThrownBy(() -> lc.manager.start(stopped.id())).isInstanceOfSatisfying(GantryException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
    }

    @Test
    void start_twice_failedPrecondition() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());

        assertThatThrownBy(() -> lc.manager.start(c.id())).isInstanceOfSatisfying(GantryException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
    }

    @Test
    void start_afterStopOfCreated_failedPrecondition() throws Exception {
        Container c = lc.create("app");
        lc.manager.stop(c.id(), Duration.ZERO);

        assertThatThrownBy(() -> lc.manager.start(c.id())).isInstanceOfSatisfying(GantryException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.FAILED_PRECONDITION));
    }

    @Test
    void create_sameNameTwice_alreadyExists() throws Exception {
        lc.create("app");

        assertThatThrownBy(() -> lc.create("app")).isInstanceOfSatisfying(GantryException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS));
    }

    @Test
    void create_retriedAfterCallerGaveUp_getsTheSameContainer() throws Exception {
        Container first = lc.manager.create(lc.pods.pod(), Lifecycle.config("app"), Lifecycle.podConfig(), () -> true);

        Container retried = lc.create("app");

        assertThat(retried.id()).isEqualTo(first.id());
        assertThat(lc.store.list()).hasSize(1);
    }

    @Test
    void updateResources_running_updatesRuntimeAndRecord() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());

        Container updated = lc.manager.updateResources(c.id(), LinuxContainerResources.newBuilder().setCpuShares(256).build());

        assertThat(updated.resources().getCpuShares()).isEqualTo(256);
        assertThat(lc.runtime.calls()).contains("update " + c.id());
    }

    @Test
    void reopenLog_running_asksTheMonitor() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());
        java.nio.file.Files.createDirectories(Path.of(c.logPath()).getParent());
        java.nio.file.Files.writeString(Path.of(c.logPath()), "");

        lc.manager.reopenLog(c.id());

        assertThat(lc.monitor.reopened()).containsExactly(lc.paths.bundle(c.id()));
    }

    @Test
    void stop_exitReportedWhileItsRecordIsSlow_waitsForTheRecordPastTheKillWait() throws Exception {
        Container c = runningWithKillWait(Duration.ofMillis(20));
        CountDownLatch recording = new CountDownLatch(1);
        CountDownLatch diskFree = new CountDownLatch(1);
        lc.events.subscribe(e -> {
            if (e.type() == ContainerEvent.Type.STOPPED) {
                recording.countDown();
                awaitQuietly(diskFree); // the exit is being recorded: as if its write were slow
            }
        });
        Future<?> stopping;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            stopping = threads.submit(() -> {
                lc.manager.stop(c.id(), Duration.ZERO);
                return null;
            });
            recording.await();
            Thread.sleep(lc.killWait.toMillis() * 10);
            assertThat(stopping).as("Stop answers before the exit is recorded").isNotDone();
            diskFree.countDown();
        }

        stopping.get();
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Exited.class);
    }

    @Test
    void stop_exitNeverReported_failsWithDeadlineExceeded() throws Exception {
        Container c = runningWithKillWait(Duration.ofMillis(50));
        lc.runtime.loseExits();

        assertThatThrownBy(() -> lc.manager.stop(c.id(), Duration.ZERO))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.DEADLINE_EXCEEDED))
                .hasMessageContaining("exit was not reported");
        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Running.class);
        assertThat(lc.runtime.calls()).as("SIGKILL went to every process already: one runc kill")
                .containsOnlyOnce("kill " + c.id() + " 9 all")
                .filteredOn(call -> call.startsWith("kill ")).hasSize(1);
    }

    @Test
    void stop_answersWithRuncStateAndMountsReleased_once() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());

        lc.manager.stop(c.id(), Duration.ZERO);

        // Nothing of the stop is left running to compete with the caller's next call.
        assertThat(lc.runtime.knows(c.id())).as("runc state after Stop").isFalse();
        assertThat(mountedFor(c.id())).as("rootfs mounted after Stop").isFalse();
        assertThat(lc.images.openLeases()).as("the image stays leased until the remove").isOne();
        lc.manager.remove(c.id());
        assertThat(lc.runtime.calls()).as("the release after the exit and Stop's are one").containsOnlyOnce("delete " + c.id());
    }

    /** A running container of a manager whose Stop waits {@code killWait} for an exit after SIGKILL. */
    private Container runningWithKillWait(Duration killWait) throws Exception {
        lc.killWait = killWait;
        lc.restart();
        Container c = lc.create("app");
        lc.manager.start(c.id());
        return c;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @RepeatedTest(20)
    void parallelStopAndRemove_oneContainer_endsRemovedAndConsistent() throws Exception {
        Container c = lc.create("app");
        lc.manager.start(c.id());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try (threads) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                done.add(threads.submit(() -> {
                    go.await();
                    lc.manager.stop(c.id(), Duration.ofSeconds(1));
                    return null;
                }));
                done.add(threads.submit(() -> {
                    go.await();
                    lc.manager.remove(c.id());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }

        lc.assertGone(c.id());
        assertThat(lc.images.openLeases()).isZero();
        synchronized (events) {
            assertThat(events).containsOnlyOnce(ContainerEvent.Type.STOPPED, ContainerEvent.Type.DELETED);
        }
    }

    @RepeatedTest(10)
    void parallelStartAndStop_createdContainer_endsExited() throws Exception {
        Container c = lc.create("app");
        CountDownLatch go = new CountDownLatch(1);
        Thread start = Thread.ofVirtual().start(() -> {
            try {
                go.await();
                lc.manager.start(c.id());
            } catch (InterruptedException | GantryException expected) {
                // A start that lost the race is refused.
            }
        });
        Thread stop = Thread.ofVirtual().start(() -> {
            try {
                go.await();
                lc.manager.stop(c.id(), Duration.ZERO);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        go.countDown();
        start.join();
        stop.join();

        assertThat(lc.manager.status(c.id()).state()).isInstanceOf(ContainerState.Exited.class);
        lc.runtime.state(c.id()).ifPresent(s -> assertThat(s.status()).isEqualTo("stopped"));
    }
}
