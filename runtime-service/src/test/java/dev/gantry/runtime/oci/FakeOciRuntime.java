package dev.gantry.runtime.oci;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An OCI runtime in memory, held to runc's behaviour by {@link OciRuntimeContract}. {@link #create}
 * is what a fake monitor calls, as conmon runs {@code runc create}. A container that stops (killed,
 * or deleted while live) is reported to the stop listener on another thread, as conmon's exit file
 * reaches gantryd. {@link #failNext} makes the next call of a verb fail as runc would.
 */
public final class FakeOciRuntime implements OciRuntime {

    private static final int SIGKILL = 9;

    private final Map<String, RuncState> containers = new HashMap<>();
    private final Map<String, Long> initPidsAtStart = new HashMap<>();
    private final Set<String> failing = new HashSet<>();
    private final Set<Integer> ignored = new HashSet<>();
    private final List<String> calls = new ArrayList<>();
    private volatile Consumer<String> stopListener = id -> {};
    private volatile boolean exitsLost;
    private long nextPid = 1000;

    @Override
    public Path binary() {
        return Path.of("/fake/runc");
    }

    @Override
    public Path root() {
        return Path.of("/fake/runc-root");
    }

    /** {@code runc create}: the container exists, its init waits for start. */
    public synchronized void create(String id) {
        calls.add("create " + id);
        fail("create", id);
        if (containers.containsKey(id)) {
            throw new GantryException(ErrorKind.INTERNAL, "runc create " + id + ": container with id exists: " + id);
        }
        containers.put(id, new RuncState(id, "created", nextPid++, Instant.now()));
    }

    @Override
    public synchronized void start(String id) {
        calls.add("start " + id);
        fail("start", id);
        RuncState s = containers.get(id);
        if (s == null) {
            throw new GantryException(ErrorKind.INTERNAL, "runc start " + id + ": container does not exist");
        }
        if (!s.status().equals("created")) {
            throw new GantryException(ErrorKind.INTERNAL, "runc start " + id + ": cannot start a container that has " + s.status());
        }
        containers.put(id, new RuncState(id, "running", s.pid(), s.created()));
    }

    /** As runc through its exec FIFO: the same outcome as {@link #start(String)}; the init's pid is kept for tests to check. */
    @Override
    public void start(String id, long initPid) {
        synchronized (this) {
            initPidsAtStart.put(id, initPid);
        }
        start(id);
    }

    /** The init pid the last {@link #start(String, long)} of {@code id} was given; empty when none was. */
    public synchronized Optional<Long> initPidAtStart(String id) {
        return Optional.ofNullable(initPidsAtStart.get(id));
    }

    @Override
    public void kill(String id, int signal, boolean all) {
        synchronized (this) {
            calls.add("kill " + id + " " + signal + (all ? " all" : ""));
            if (signal <= 0 || signal > 64) {
                throw new IllegalArgumentException("not a signal number: " + signal);
            }
            fail("kill", id);
        }
        deliver(id, signal);
    }

    /**
     * {@code signal} sent to the process {@code pid} itself, without the runtime (as through a
     * pidfd): false when no live container process has that pid.
     */
    public boolean signalProcess(long pid, int signal) {
        Optional<String> id = runningWithPid(pid);
        if (id.isEmpty()) {
            return false;
        }
        deliver(id.get(), signal);
        return true;
    }

    /** The container whose live process has {@code pid}, if any. */
    public synchronized Optional<String> runningWithPid(long pid) {
        return containers.values().stream().filter(s -> s.pid() == pid && !s.status().equals("stopped")).map(RuncState::id).findFirst();
    }

    private void deliver(String id, int signal) {
        synchronized (this) {
            RuncState s = containers.get(id);
            if (s == null || s.status().equals("stopped") || (signal != SIGKILL && ignored.contains(signal))) {
                return;
            }
            containers.put(id, new RuncState(id, "stopped", 0, s.created()));
        }
        reportStop(id);
    }

    @Override
    public synchronized Optional<RuncState> state(String id) {
        calls.add("state " + id);
        fail("state", id);
        return Optional.ofNullable(containers.get(id));
    }

    @Override
    public void delete(String id) {
        RuncState was;
        synchronized (this) {
            calls.add("delete " + id);
            fail("delete", id);
            was = containers.remove(id);
        }
        if (was != null && !was.status().equals("stopped")) {
            reportStop(id);
        }
    }

    @Override
    public synchronized void update(String id, OciSpec.Resources resources) {
        calls.add("update " + id);
        fail("update", id);
        RuncState s = containers.get(id);
        if (s == null) {
            throw new GantryException(ErrorKind.INTERNAL, "runc update " + id + ": container does not exist");
        }
    }

    @Override
    public List<String> execCommand(String id, Path processFile, Path pidFile) {
        return List.of(binary().toString(), "exec", processFile.toString(), pidFile.toString(), id);
    }

    /** The next call of {@code verb} (create, start, kill, state, delete, update) fails as runc would. */
    public synchronized void failNext(String verb) {
        failing.add(verb);
    }

    /** Signals the container's process ignores, as a shell as pid 1 ignores SIGTERM it does not trap. */
    public synchronized void ignore(int signal) {
        ignored.add(signal);
    }

    /** Told of each container that stopped, on a thread of its own. */
    public void onStop(Consumer<String> listener) {
        this.stopListener = listener;
    }

    /** Stops are no longer reported, as when conmon died and nobody writes the exit file. */
    public void loseExits() {
        exitsLost = true;
    }

    /** A container as if it had ended by itself while nobody watched (gantryd down). */
    public synchronized void exitBehindOurBack(String id) {
        RuncState s = containers.get(id);
        containers.put(id, new RuncState(id, "stopped", 0, s.created()));
    }

    public synchronized boolean knows(String id) {
        return containers.containsKey(id);
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    private void fail(String verb, String id) {
        if (failing.remove(verb)) {
            throw new GantryException(ErrorKind.INTERNAL, "runc " + verb + " " + id + ": injected failure");
        }
    }

    private void reportStop(String id) {
        if (exitsLost) {
            return;
        }
        Consumer<String> listener = stopListener;
        Thread.ofVirtual().name("fake-exit-" + id).start(() -> listener.accept(id));
    }
}
