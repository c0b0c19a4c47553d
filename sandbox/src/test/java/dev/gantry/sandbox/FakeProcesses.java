package dev.gantry.sandbox;

import dev.gantry.linux.proc.ProcStat;
import dev.gantry.linux.proc.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A process table: processes started into namespaces (by their pins), killed into zombies, reaped
 * by their parent. A pid once gone may be given to a new process, with another start time, as the
 * kernel does.
 */
final class FakeProcesses implements Processes {

    private static final int KILLED = 9;

    private record Proc(long startTime, Set<Path> namespaces, boolean zombie) {}

    private final Map<Long, Proc> table = new HashMap<>();
    private long nextPid = 4000;
    private long ticks = 100;

    /** Starts a process living in the namespaces pinned at {@code namespaces}; returns its pid. */
    synchronized long start(Set<Path> namespaces) {
        long pid = nextPid++;
        table.put(pid, new Proc(ticks++, Set.copyOf(namespaces), false));
        return pid;
    }

    /** The process exited and whoever was its parent reaped it (what a restarted gantryd finds). */
    synchronized void vanish(long pid) {
        table.remove(pid);
    }

    /** Another process now has {@code pid}. */
    synchronized void reuse(long pid) {
        table.put(pid, new Proc(ticks++, Set.of(), false));
    }

    /** Pids of the processes still running (neither zombies nor gone). */
    synchronized Set<Long> running() {
        return Set.copyOf(table.entrySet().stream().filter(e -> !e.getValue().zombie()).map(Map.Entry::getKey).toList());
    }

    /** Pids that exited but were never reaped. */
    synchronized Set<Long> zombies() {
        return Set.copyOf(table.entrySet().stream().filter(e -> e.getValue().zombie()).map(Map.Entry::getKey).toList());
    }

    @Override
    public synchronized Optional<Handle> open(long pid) {
        return table.containsKey(pid) ? Optional.of(new FakeHandle(pid, table.get(pid).startTime())) : Optional.empty();
    }

    @Override
    public synchronized Optional<ProcStat> stat(long pid) {
        Proc proc = table.get(pid);
        return proc == null ? Optional.empty() : Optional.of(new ProcStat(pid, proc.zombie() ? 'Z' : 'S', proc.startTime()));
    }

    /** The pod lifecycle never asks; its processes model no PID namespaces. */
    @Override
    public OptionalLong innermostPid(long pid) {
        throw new UnsupportedOperationException("pod sandboxes do not ask for a process's namespace pid");
    }

    @Override
    public OptionalInt signalCgroup(Handle init, int signal) {
        throw new UnsupportedOperationException("pod sandboxes do not signal a cgroup's processes");
    }

    @Override
    public synchronized List<Long> namespaceMembers(Path pin, String kind) {
        // A zombie has left its namespaces: /proc/<pid>/ns/* of a zombie cannot be read.
        return table.entrySet().stream().filter(e -> !e.getValue().zombie() && e.getValue().namespaces().contains(pin))
                .map(Map.Entry::getKey).sorted().toList();
    }

    @Override
    public synchronized OptionalInt reap(long pid) {
        Proc proc = table.get(pid);
        if (proc == null || !proc.zombie()) {
            return OptionalInt.empty();
        }
        table.remove(pid);
        return OptionalInt.of(KILLED);
    }

    /** A pidfd: it names the process that had the pid when it was opened, never a later one. */
    private final class FakeHandle implements Handle {

        private final long pid;
        private final long startTime;

        FakeHandle(long pid, long startTime) {
            this.pid = pid;
            this.startTime = startTime;
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public boolean kill(int signal) {
            synchronized (FakeProcesses.this) {
                Proc proc = table.get(pid);
                if (proc == null || proc.startTime() != startTime || proc.zombie()) {
                    return false;
                }
                table.put(pid, new Proc(proc.startTime(), Set.of(), true));
                return true;
            }
        }

        @Override
        public boolean waitExit(Duration timeout) {
            synchronized (FakeProcesses.this) {
                Proc proc = table.get(pid);
                return proc == null || proc.startTime() != startTime || proc.zombie();
            }
        }

        @Override
        public void close() {}
    }
}
