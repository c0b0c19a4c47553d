package dev.gantry.runtime.container;

import dev.gantry.linux.proc.ProcStat;
import dev.gantry.linux.proc.Processes;
import dev.gantry.runtime.oci.FakeOciRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The fake runtime's container processes as /proc and pidfds show them to {@link InitSignals}: each
 * live container's pid, with a start time of its own, pid 1 of its own PID namespace unless
 * {@link #sharePidNamespace} says otherwise. Hidden until {@link #show}, so the manager's other
 * tests see every signal go through the runtime, as for a container started before a restart.
 */
final class FakeContainerProcesses implements Processes {

    private final FakeOciRuntime runtime;
    private final Set<Long> sharedNamespace = ConcurrentHashMap.newKeySet();
    /** The other processes in the cgroup of the container whose init has the key's pid. */
    private final Map<Long, List<Long>> cgroupPeers = new ConcurrentHashMap<>();
    private volatile boolean cgroupsUnreadable;
    /** Pids now held by a later process than the container's: its start time. */
    private final Map<Long, Long> reused = new ConcurrentHashMap<>();
    /** "pid signal" of each signal sent through a handle. */
    final List<String> signals = new CopyOnWriteArrayList<>();
    private volatile boolean shown;

    FakeContainerProcesses(FakeOciRuntime runtime) {
        this.runtime = runtime;
    }

    void show() {
        shown = true;
    }

    /** The process {@code pid} is in its pod's (or the node's) PID namespace, not pid 1 of one of its own. */
    void sharePidNamespace(long pid) {
        sharedNamespace.add(pid);
    }

    /** The container whose init is {@code pid} runs {@code peers} too, in its cgroup (children, execs). */
    void cgroupPeers(long pid, Long... peers) {
        cgroupPeers.put(pid, List.of(peers));
    }

    /** No container's cgroup can be read, as on a node where gantryd finds no hierarchy. */
    void cgroupsUnreadable() {
        cgroupsUnreadable = true;
    }

    /** The pid now belongs to a later process, as after the container's init exited unnoticed and the pid came round again. */
    void reuse(long pid) {
        reused.put(pid, startTime(pid) + 1);
    }

    @Override
    public Optional<Handle> open(long pid) {
        if (!shown || (runtime.runningWithPid(pid).isEmpty() && !reused.containsKey(pid))) {
            return Optional.empty();
        }
        return Optional.of(new Handle() {
            @Override
            public long pid() {
                return pid;
            }

            @Override
            public boolean kill(int signal) {
                signals.add(pid + " " + signal);
                return runtime.signalProcess(pid, signal);
            }

            @Override
            public boolean waitExit(Duration timeout) {
                return runtime.runningWithPid(pid).isEmpty();
            }

            @Override
            public void close() {}
        });
    }

    @Override
    public Optional<ProcStat> stat(long pid) {
        if (!shown) {
            return Optional.empty();
        }
        Long later = reused.get(pid);
        if (later != null) {
            return Optional.of(new ProcStat(pid, 'S', later));
        }
        return runtime.runningWithPid(pid).map(id -> new ProcStat(pid, 'S', startTime(pid)));
    }

    @Override
    public OptionalLong innermostPid(long pid) {
        return stat(pid).isEmpty() ? OptionalLong.empty() : OptionalLong.of(sharedNamespace.contains(pid) ? 7 : 1);
    }

    @Override
    public OptionalInt signalCgroup(Handle init, int signal) throws IOException {
        if (!shown || cgroupsUnreadable || !init.kill(signal)) {
            return OptionalInt.empty();
        }
        List<Long> peers = cgroupPeers.getOrDefault(init.pid(), List.of());
        peers.forEach(peer -> signals.add(peer + " " + signal));
        return OptionalInt.of(1 + peers.size());
    }

    @Override
    public List<Long> namespaceMembers(Path pin, String kind) {
        throw new UnsupportedOperationException("containers do not ask who is in a namespace");
    }

    @Override
    public OptionalInt reap(long pid) {
        throw new UnsupportedOperationException("containers' processes are conmon's children, not gantryd's");
    }

    private static long startTime(long pid) {
        return 5_000_000L + pid;
    }
}
