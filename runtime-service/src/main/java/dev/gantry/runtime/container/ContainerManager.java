package dev.gantry.runtime.container;

import dev.gantry.common.errors.InterruptedOperationException;
import dev.gantry.common.fs.AtomicFile;
import dev.gantry.common.id.Ids;
import dev.gantry.common.lifecycle.KeyedLocks;
import dev.gantry.common.lifecycle.StepTimes;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.image.gc.Leases;
import dev.gantry.runtime.errors.ContainerNotFoundException;
import dev.gantry.runtime.errors.ContainerNotRunningException;
import dev.gantry.runtime.errors.ContainerSetupFailedException;
import dev.gantry.runtime.errors.ContainerStopTimeoutException;
import dev.gantry.runtime.errors.ContainerWrongStateException;
import dev.gantry.runtime.monitor.ExitStatus;
import dev.gantry.runtime.oci.OciRuntime;
import dev.gantry.runtime.oci.OciSpecJson;
import dev.gantry.sandbox.PodSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containers' lifecycle: create, start, stop, remove, update, and exits as conmon reports them.
 *
 * <p>Locking: calls on one container are serialised by its lock, calls on different containers run
 * in parallel. An exit is recorded under the same lock, so STARTED is always published before
 * STOPPED. Nothing waits for an exit while holding the lock: Stop and Remove signal under it, then
 * wait outside it for {@link #onExit} to record the exit.
 *
 * <p>CreateContainer answers once the container is recorded, while its conmon + runc create still
 * runs (see {@link ContainerCreator}); Start, Stop, Remove and Update wait for it under the lock.
 * When it fails, the container turns EXITED (ContainerCannotRun, with conmon's message) and the
 * next StartContainer fails with that message, as containerd's does when the task cannot be made.
 */
public final class ContainerManager {

    /** How long ReopenContainerLog waits for conmon to make the log file again, and how often it looks. */
    private static final int LOG_REOPEN_WAIT_MILLIS = 2000;
    private static final int LOG_REOPEN_POLL_MILLIS = 5;

    private static final Logger log = LoggerFactory.getLogger(ContainerManager.class);
    private static final int SIGKILL = 9;
    /** How long a SIGKILLed container may take to be reaped and reported by conmon. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final ContainerStore store;
    private final ContainerSystem system;
    private final ContainerEvents events;
    private final ContainerCreator creator;
    private final KeyedLocks locks = new KeyedLocks();
    private final Map<String, Leases.Lease> leases = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> exits = new ConcurrentHashMap<>();
    /** Containers whose CreateContainer caller had gone when they were made: a retry takes them over. */
    private final Set<String> unclaimed = ConcurrentHashMap.newKeySet();
    /**
     * Created containers already sent SIGKILL by a Stop or Remove whose exit conmon has not
     * reported yet: the record still says CREATED, but runc could only answer a start with
     * "cannot start a container that has stopped". Changed under the container's lock.
     */
    private final Set<String> killedBeforeStart = ConcurrentHashMap.newKeySet();
    /**
     * Exited containers whose runc state is already deleted: runc's part is released when the
     * exit is recorded, off the caller's path, so RemoveContainer has one process less to wait
     * for. Memory only: after a restart RemoveContainer runs runc delete again, which is idempotent.
     */
    private final Set<String> runcReleased = ConcurrentHashMap.newKeySet();
    /**
     * conmon + runc create of created containers, from CreateContainer until it succeeded (then
     * dropped) or, when it failed, until StartContainer has reported the failure or the container
     * is removed. Memory only: after a restart runc's state says what the launch did.
     */
    private final Map<String, CompletableFuture<Void>> launches = new ConcurrentHashMap<>();

    private final ExitListener exitListener;
    private final InitSignals inits;
    private final Executor fileDeletion;
    private final Duration killWait;

    /** Deletes a removed container's files on the calling thread, before RemoveContainer answers. */
    public ContainerManager(ContainerStore store, ContainerSystem system, ContainerEvents events) {
        this(store, system, events, ExitListener.NONE, Runnable::run);
    }

    /**
     * @param exitListener told of each exit recorded (the daemon's metrics)
     * @param fileDeletion runs the deletion of a removed container's files, which its caller need not wait for
     */
    public ContainerManager(ContainerStore store, ContainerSystem system, ContainerEvents events, ExitListener exitListener,
            Executor fileDeletion) {
        this(store, system, events, exitListener, fileDeletion, KILL_WAIT, ON_VIRTUAL_THREAD);
    }

    /**
     * @param killWait how long a Stop waits for the exit of a container it sent SIGKILL
     * @param launches runs each container's conmon + runc create, beyond its CreateContainer
     */
    ContainerManager(ContainerStore store, ContainerSystem system, ContainerEvents events, ExitListener exitListener,
            Executor fileDeletion, Duration killWait, Executor launches) {
        this.store = store;
        this.system = system;
        this.events = events;
        this.exitListener = exitListener;
        this.fileDeletion = fileDeletion;
        this.killWait = killWait;
        this.creator = new ContainerCreator(store, system, leases, launches);
        this.inits = new InitSignals(system.processes());
    }

    private static final Executor ON_VIRTUAL_THREAD = task -> Thread.ofVirtual().name("conmon-launch").start(task);

    /**
     * CreateContainer in {@code pod}, which the caller read under the pod's lock (the pod
     * coordinator's: no container is made in a pod being stopped or removed). The name is the
     * container's for as long as it exists: a second create with it is ALREADY_EXISTS naming the
     * holder, unless the holder's own create was abandoned by its caller (the kubelet's deadline
     * passed): then the retry gets that container, as the kubelet expects, and never a second one.
     *
     * @param callerGone true once the caller has stopped waiting (deadline or cancel)
     */
    public Container create(PodSandbox pod, ContainerConfig config, PodSandboxConfig podConfig, BooleanSupplier callerGone)
            throws Exception {
        ContainerCreator.Prepared prepared = creator.prepare(pod, config);
        String reserved = Container.reservedName(config, podConfig.getMetadata());
        Optional<Container> holder = store.findByName(reserved);
        if (holder.isPresent() && unclaimed.remove(holder.get().id())) {
            log.info("CreateContainer of {} retried: handing over container {}, whose caller gave up", reserved, holder.get().id());
            return holder.get();
        }
        String id = Ids.random();
        try (var held = locks.lock(id)) {
            ContainerCreator.Creation creation = creator.create(id, pod, config, podConfig, prepared);
            Container created = creation.container();
            track(id, creation.launch());
            events.publish(new ContainerEvent(ContainerEvent.Type.CREATED, created, system.clock().instant()));
            log.info("container {} ({}) created in pod {}", id, reserved, pod.id());
            if (callerGone.getAsBoolean()) {
                unclaimed.add(id);
            }
            return created;
        }
    }

    /**
     * StartContainer: only a CREATED container can start, and not once a Stop or Remove has killed
     * it (both signal under the same lock, so the check and {@code runc start} are atomic with them).
     */
    public Container start(String idOrPrefix) {
        Container c = store.get(idOrPrefix);
        try (var held = locks.lock(c.id())) {
            Optional<RuntimeException> launchFailure = settleLaunch(c.id());
            if (launchFailure.isPresent()) {
                launches.remove(c.id());
                throw launchFailure.get();
            }
            c = store.get(c.id());
            if (!(c.state() instanceof ContainerState.Created)) {
                throw new ContainerWrongStateException("container " + c.id() + " is " + ContainerStates.describe(c.state()) + ": only a created container can be started");
            }
            if (c.removing() || killedBeforeStart.contains(c.id())) {
                throw new ContainerWrongStateException("container " + c.id() + " is being " + (c.removing() ? "removed" : "stopped") + ": it can no longer be started");
            }
            Instant now = system.clock().instant();
            long pid = c.pid() > 0 ? c.pid() : containerPid(c.id());
            try {
                system.runtime(c.runtimeHandler()).start(c.id(), pid);
            } catch (RuntimeException e) {
                cannotRun(c.id(), e, now);
                throw e;
            }
            inits.started(c.id(), pid);
            Container running = store.update(c.id(), x -> x.withPid(pid).withState(new ContainerState.Running(now)));
            events.publish(new ContainerEvent(ContainerEvent.Type.STARTED, running, now));
            return running;
        }
    }

    /**
     * StopContainer: the stop signal, then SIGKILL once {@code timeout} has passed (at once when it
     * is zero or less). Idempotent: a stopped or unknown container is fine.
     */
    public void stop(String idOrPrefix, Duration timeout) throws InterruptedException {
        Optional<Container> found = findVisible(idOrPrefix);
        if (found.isEmpty() || !found.get().state().isLive()) {
            return;
        }
        String id = found.get().id();
        StepTimes times = new StepTimes();
        CompletableFuture<Void> exited = exitOf(id);
        boolean killNow = timeout.isZero() || timeout.isNegative();
        if (!signal(id, killNow ? SIGKILL : -1)) {
            exits.remove(id, exited); // it had ended: nobody completes a future made after its exit
            return;
        }
        times.lap(killNow ? "kill" : "stop signal");
        // SIGKILL cannot be caught, and it went to every process of the container: a second one
        // would only be sent again while the exit is on its way.
        if (!killNow) {
            boolean exitedInTime = await(exited, timeout);
            times.lap("grace period");
            if (exitedInTime || !signal(id, SIGKILL)) {
                releaseAfterStop(id, times);
                return;
            }
            times.lap("kill");
        }
        if (await(exited, killWait)) {
            times.lap("exit reported");
            releaseAfterStop(id, times);
            return;
        }
        throw new ContainerStopTimeoutException("stop container " + id + ": its process was killed but its exit was not reported within "
                + killWait.toMillis() + " ms");
    }

    /** Releases the stopped container before the stop answers (see {@link #release}), and logs where the stop's time went. */
    private void releaseAfterStop(String id, StepTimes times) {
        release(id, times);
        log.debug("stop container {}: {}", id, times);
    }

    /** Sends {@code signal} (-1: the container's stop signal) under the lock; false when it has exited already. */
    private boolean signal(String id, int signal) {
        try (var held = locks.lock(id)) {
            settleLaunch(id);
            Optional<Container> c = store.find(id);
            if (c.isEmpty() || !c.get().state().isLive()) {
                return false;
            }
            // A created container runs no user code yet: SIGKILL, to all its processes.
            boolean created = c.get().state() instanceof ContainerState.Created;
            int sig = created ? SIGKILL : signal < 0 ? c.get().stopSignal() : signal;
            if (created || !inits.trySignal(id, sig, sig == SIGKILL)) {
                system.runtime(c.get().runtimeHandler()).kill(id, sig, sig == SIGKILL);
            }
            if (created) {
                killedBeforeStart.add(id);
            }
            return true;
        }
    }

    private CompletableFuture<Void> exitOf(String id) {
        return exits.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    /**
     * Whether the exit was reported within {@code timeout}. {@link #release}, which Stop runs
     * next, takes the container's lock and so waits (without a deadline) for {@link #onExit} to
     * have recorded it: a slow disk under the record's write is not a process that will not die.
     */
    private boolean await(CompletableFuture<Void> exited, Duration timeout) throws InterruptedException {
        try {
            exited.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("exit futures are only ever completed normally", e);
        }
    }

    /**
     * RemoveContainer: kills it if it still runs, then removes it; its directories are deleted
     * after the call by {@code fileDeletion} (see {@link ContainerRemoval#detach}). Idempotent.
     */
    public void remove(String idOrPrefix) throws Exception {
        Optional<Container> found = findVisible(idOrPrefix);
        if (found.isEmpty()) {
            return;
        }
        String id = found.get().id();
        StepTimes times = new StepTimes();
        stop(id, Duration.ZERO);
        times.lap("stop");
        try (var held = locks.lock(id)) {
            Optional<Container> c = store.find(id);
            if (c.isEmpty()) {
                return;
            }
            Container removing = c.get();
            Runnable deleteFiles = ContainerRemoval.detach(removing, store, system, leases, runcReleased.remove(id), times);
            exits.remove(id);
            launches.remove(id);
            unclaimed.remove(id);
            killedBeforeStart.remove(id);
            inits.forget(id);
            events.publish(new ContainerEvent(ContainerEvent.Type.DELETED, removing, system.clock().instant()));
            log.info("container {} ({}) removed", id, removing.reservedName());
            log.debug("remove container {}: {}", id, times);
            fileDeletion.execute(deleteFiles);
        }
        locks.forget(id);
    }

    /** ContainerStatus; NOT_FOUND for an unknown id, or one still being created. */
    public Container status(String idOrPrefix) {
        return findVisible(idOrPrefix).orElseThrow(
                () -> new ContainerNotFoundException("container " + idOrPrefix + " not found"));
    }

    /** ListContainers, from memory. */
    public List<Container> list(ContainerFilter filter) {
        return store.list().stream()
                .filter(c -> !(c.state() instanceof ContainerState.Creating))
                .filter(filter::matches)
                .toList();
    }

    /**
     * UpdateContainerResources: the update merged into the resources in force (fields it leaves
     * 0 keep their values, see {@link ResourcesUpdate}), {@code runc update} when it runs, then the
     * merged values in the bundle's config.json (the verbose status's spec) and in the record
     * (what status reports).
     */
    public Container updateResources(String idOrPrefix, LinuxContainerResources update) {
        Container c = status(idOrPrefix);
        system.specs().resources(update);
        try (var held = locks.lock(c.id())) {
            settleLaunch(c.id());
            c = store.get(c.id());
            if (!c.state().isLive()) {
                // containerd refuses too; a created container's update is stored and applies at start.
                throw new ContainerWrongStateException("container " + c.id() + " is "
                        + ContainerStates.describe(c.state()) + ": only a created or running container's resources can be updated");
            }
            LinuxContainerResources merged = ResourcesUpdate.merge(c.resources(), update);
            var oci = system.specs().resources(merged);
            system.runtime(c.runtimeHandler()).update(c.id(), oci);
            Path config = system.paths().bundle(c.id()).resolve("config.json");
            try {
                if (Files.exists(config)) {
                    AtomicFile.replace(config, OciSpecJson
                            .withResources(Files.readString(config), oci).getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new ContainerSetupFailedException("update the resources of container " + c.id() + " in " + config
                        + ": " + e.getMessage(), e);
            }
            return store.update(c.id(), x -> x.withResources(merged));
        }
    }

    /** ReopenContainerLog: conmon reopens the log file, after the kubelet renamed it. */
    public void reopenLog(String idOrPrefix) {
        Container c = status(idOrPrefix);
        try (var held = locks.lock(c.id())) {
            if (!(store.get(c.id()).state() instanceof ContainerState.Running)) {
                throw new ContainerNotRunningException("container " + c.id() + " is not running: no log to reopen");
            }
            system.monitor().reopenLog(system.paths().bundle(c.id()));
            awaitLogFile(c);
        } catch (IOException e) {
            throw new ContainerSetupFailedException("reopen the log of container " + c.id() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedOperationException("reopen the log of container " + c.id() + ": interrupted", e);
        }
    }

    /**
     * The fifo only queues the request; the kubelet (and critest) look for the new file as soon as
     * the call returns, so it returns once conmon has made it, as containerd's does.
     */
    private static void awaitLogFile(Container c) throws IOException, InterruptedException {
        if (c.logPath().isEmpty()) {
            return;
        }
        Path log = Path.of(c.logPath());
        for (int waited = 0; !Files.exists(log); waited += LOG_REOPEN_POLL_MILLIS) {
            if (waited >= LOG_REOPEN_WAIT_MILLIS) {
                throw new IOException("conmon did not make " + log + " again within " + LOG_REOPEN_WAIT_MILLIS + " ms");
            }
            Thread.sleep(LOG_REOPEN_POLL_MILLIS);
        }
    }

    /** Keeps a container's conmon + runc create for the calls that must wait for it; under its lock. */
    private void track(String id, CompletableFuture<Void> launch) {
        launches.put(id, launch);
        // Async: a failure is recorded under the lock, once the caller has released it (after CREATED is published).
        launch.whenCompleteAsync((done, failed) -> {
            if (failed == null) {
                launches.remove(id, launch);
                return;
            }
            if (store.find(id).isEmpty()) {
                return; // removed already: its lock is forgotten and must not come back
            }
            try (var settling = locks.lock(id)) {
                settleLaunch(id);
            } finally {
                if (store.find(id).isEmpty()) {
                    locks.forget(id); // removed while this waited for the lock
                }
            }
        }, ON_VIRTUAL_THREAD);
    }

    /**
     * Recovery's, for a CREATED container whose conmon ended with gantryd (killed before it had
     * run runc create, or on its sync pipe just after): no user process has run, so runc's
     * half-made container, if any, is deleted and conmon + runc create run again; its Start
     * waits for them as after a CreateContainer.
     */
    void relaunch(Container c, OciRuntime runtime) throws IOException {
        try (var held = locks.lock(c.id())) {
            runtime.delete(c.id());
            Files.deleteIfExists(system.paths().exitFile(c.id()));
            Files.deleteIfExists(system.paths().attach().resolve(c.id()));
            Optional<Path> logPath = c.logPath().isEmpty() ? Optional.empty() : Optional.of(Path.of(c.logPath()));
            track(c.id(), creator.launch(c.id(), c.config(), runtime, logPath));
        }
    }

    /**
     * Waits for the container's conmon + runc create if it still runs. When it failed, a container
     * still CREATED turns EXITED with conmon's message (once: later calls find it so) and runc's
     * part and the mounts are released as after an exit; the failure is returned each time, until
     * StartContainer or RemoveContainer drops it. Under the container's lock.
     */
    private Optional<RuntimeException> settleLaunch(String id) {
        CompletableFuture<Void> launch = launches.get(id);
        if (launch == null) {
            return Optional.empty();
        }
        try {
            launch.join();
            launches.remove(id, launch);
            return Optional.empty();
        } catch (CompletionException e) {
            // Launches are never cancelled: join fails only with the launch's own failure, wrapped.
            RuntimeException failure = e.getCause() instanceof RuntimeException r ? r
                    : new ContainerSetupFailedException("create container " + id + ": " + e.getMessage(), e.getCause());
            Optional<Container> c = store.find(id);
            if (c.isPresent() && c.get().state() instanceof ContainerState.Created) {
                Container failed = cannotRun(id, failure, system.clock().instant());
                log.info("container {} ({}) could not be created by its runtime: {}", id, failed.reservedName(), failure.getMessage());
                Thread.ofVirtual().name("exit-release-" + id).start(() -> release(id, new StepTimes()));
            }
            return Optional.of(failure);
        }
    }

    /** Records that the runtime could not run a created container (EXITED 128, ContainerCannotRun) and publishes it. */
    private Container cannotRun(String id, RuntimeException why, Instant now) {
        String message = why.getMessage() == null ? "" : why.getMessage();
        Container failed = store.update(id, x -> x.withState(new ContainerState.Exited(now, now, 128, "ContainerCannotRun", message)));
        events.publish(new ContainerEvent(ContainerEvent.Type.STOPPED, failed, now));
        return failed;
    }

    /** The pid runc wrote for a created container; 0 when it cannot be read (status then shows none). */
    private long containerPid(String id) {
        try {
            return Long.parseLong(Files.readString(system.paths().pidFile(id)).strip());
        } catch (IOException | NumberFormatException e) {
            log.debug("container {}: no pid in {}: {}", id, system.paths().pidFile(id), e.getMessage());
            return 0;
        }
    }

    /** Records an exit conmon reported. Idempotent: an exit already recorded, or of an unknown container, is ignored. */
    public void onExit(ExitStatus exit) {
        String id = exit.containerId();
        try (var held = locks.lock(id)) {
            // Waiters wake now; they take the lock (in release) before they return, so they see what is recorded here.
            CompletableFuture<Void> waiting = exits.remove(id);
            if (waiting != null) {
                waiting.complete(null);
            }
            inits.forget(id);
            killedBeforeStart.remove(id);
            Optional<Container> c = store.find(id);
            if (c.isEmpty() || !c.get().state().isLive()) {
                return;
            }
            Container exited = store.update(id, x -> x.withState(ContainerStates.exited(x, exit, system.oomCheck().oomKilled(x.cgroupsPath()))));
            events.publish(new ContainerEvent(ContainerEvent.Type.STOPPED, exited, system.clock().instant()));
            if (exited.state() instanceof ContainerState.Exited state) {
                exitListener.exited(state);
            }
            log.info("container {} ({}) exited: {}", id, exited.reservedName(), ContainerStates.describe(exited.state()));
            Thread.ofVirtual().name("exit-release-" + id).start(() -> release(id, new StepTimes()));
        }
    }

    /**
     * Releases what an exited container no longer needs, unless it was removed or restarted
     * meanwhile: runc's state (runc delete), then its mounts, as containerd's shim does when a
     * task ends. RemoveContainer then has neither to wait for; what fails here it does again.
     * Every exit starts it; StopContainer runs it too before it answers, as containerd's does, so
     * the runc process it takes is not left to compete with the caller's next call (the kubelet
     * and crictl remove right after a stop). Whichever comes second finds it done.
     */
    private void release(String id, StepTimes times) {
        if (store.find(id).isEmpty()) {
            return; // removed already: its lock is forgotten and must not come back
        }
        try (var held = locks.lock(id)) {
            Optional<Container> c = store.find(id);
            OciRuntime runtime = c.isEmpty() ? null : system.runtimes().get(c.get().runtimeHandler());
            if (c.isEmpty() || c.get().state().isLive() || c.get().removing() || runtime == null || runcReleased.contains(id)) {
                return;
            }
            times.lap("release locked");
            runtime.delete(id);
            runcReleased.add(id);
            times.lap("runc delete");
            ContainerRemoval.unmount(system, id);
            times.lap("unmount");
        } catch (IOException | RuntimeException e) {
            log.debug("container {}: releasing its runc state and mounts after its exit failed, left to RemoveContainer: {}",
                    id, e.getMessage());
        } finally {
            if (store.find(id).isEmpty()) {
                locks.forget(id); // removed while this waited for the lock
            }
        }
    }

    /** Stops every container of the pod, killing at once; idempotent. */
    public void stopAll(String podId) throws InterruptedException {
        for (Container c : store.inPod(podId)) {
            stop(c.id(), Duration.ZERO);
        }
    }

    /** Removes every container of the pod; idempotent. */
    public void removeAll(String podId) throws Exception {
        for (Container c : store.inPod(podId)) {
            remove(c.id());
        }
    }

    /** The OCI spec the container runs with, for verbose status; empty when the bundle has none. */
    public Optional<String> specJson(Container c) {
        try {
            return Optional.of(Files.readString(system.paths().bundle(c.id()).resolve("config.json")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** What containers are made with (paths, runtimes), for the exec and attach engines that work beside this manager. */
    public ContainerSystem system() {
        return system;
    }

    /** Holds the image of a recovered container, as create did. */
    void adoptLease(String id, Leases.Lease lease) {
        leases.put(id, lease);
    }

    private Optional<Container> findVisible(String idOrPrefix) {
        return store.findByIdOrPrefix(idOrPrefix).filter(c -> !(c.state() instanceof ContainerState.Creating));
    }
}
