package dev.gantry.runtime.container;

import dev.gantry.linux.proc.ProcStat;
import dev.gantry.linux.proc.Processes;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals a running container's init process through a pidfd, where {@code runc kill} would only
 * do the same at the cost of a process start (about 10 ms on a 2-core node, a third of a stop).
 *
 * <p>It acts only when it can tell the process is still the container's: the init's start time is
 * noted when StartContainer has run it, and a signal goes out only through a pidfd opened before
 * the start time is compared again, so a pid reused meanwhile is never signalled. SIGKILL to every
 * process of the container reaches the init's PID namespace when the init is its pid 1 (the kernel
 * then kills the rest), and otherwise (a container sharing its pod's or the node's namespace) the
 * init and then each other process of the container's cgroup. A container started before gantryd's
 * last restart, a cgroup that cannot be read, or any doubt leaves the signal to the OCI runtime
 * ({@link #trySignal} answers false).
 */
final class InitSignals {

    private static final Logger log = LoggerFactory.getLogger(InitSignals.class);

    private final Processes processes;
    /** The init process of each container started by this run, as it was at its start. */
    private final Map<String, ProcStat> inits = new ConcurrentHashMap<>();

    InitSignals(Processes processes) {
        this.processes = processes;
    }

    /** Notes the init process of container {@code id}, which StartContainer has just run. */
    void started(String id, long pid) {
        if (pid <= 0) {
            return;
        }
        try {
            processes.stat(pid).filter(ProcStat::alive).ifPresent(stat -> inits.put(id, stat));
        } catch (IOException | RuntimeException e) {
            log.debug("container {}: cannot read the stat of its init {}; signals go through the runtime: {}", id, pid, e.getMessage());
        }
    }

    /** The container has exited or is gone: its pid may be reused from now on. */
    void forget(String id) {
        inits.remove(id);
    }

    /**
     * Sends {@code signal} to the container's init, or with {@code all} to every process of the
     * container. True once sent; false when this cannot be done safely here, or the init has
     * exited, and the OCI runtime must be asked instead (it answers for an exited container too).
     */
    boolean trySignal(String id, int signal, boolean all) {
        ProcStat init = inits.get(id);
        if (init == null) {
            return false;
        }
        try {
            Optional<Processes.Handle> opened = processes.open(init.pid());
            if (opened.isEmpty()) {
                return false;
            }
            try (Processes.Handle handle = opened.get()) {
                // Compared after the pidfd exists: a match means the pidfd holds the container's init.
                Optional<ProcStat> now = processes.stat(init.pid());
                if (now.isEmpty() || now.get().startTime() != init.startTime() || !now.get().alive()) {
                    return false;
                }
                // The kernel kills a PID namespace's other processes with its pid 1 only. An init that
                // shares its pod's or the node's namespace is signalled with the rest of its cgroup.
                if (all && !ownsPidNamespace(init.pid())) {
                    return processes.signalCgroup(handle, signal).isPresent();
                }
                return handle.kill(signal);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("container {}: signal {} to its init {} failed, left to the runtime: {}", id, signal, init.pid(), e.getMessage());
            return false;
        }
    }

    private boolean ownsPidNamespace(long pid) throws IOException {
        OptionalLong inner = processes.innermostPid(pid);
        return inner.isPresent() && inner.getAsLong() == 1;
    }
}
