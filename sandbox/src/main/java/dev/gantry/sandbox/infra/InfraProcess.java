package dev.gantry.sandbox.infra;

import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.linux.proc.Pidfd;
import dev.gantry.linux.proc.ProcStat;
import dev.gantry.linux.proc.Processes;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process that holds a pod's shared PID namespace: {@code catatonit -P} as pid 1 of a new PID
 * namespace, inside the pod's pinned net/IPC/UTS namespaces. Containers join it through
 * {@link #pidNamespace}; as pid 1 it reaps their orphans. It is started only when the pod shares
 * one PID namespace (net, IPC and UTS need no process: they are pinned by bind mounts).
 *
 * <p>It is a child of gantryd but does not depend on it: stdin is /dev/null and its output is
 * discarded, so it keeps running (reparented) while gantryd restarts; the pod record keeps its
 * {@link InfraPid} and recovery checks it with {@link #isAlive}.
 */
public final class InfraProcess {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path catatonit;
    private final NamespaceRunner runner;
    private final Processes processes;

    public InfraProcess(Path catatonit, NamespaceRunner runner, Processes processes) {
        this.catatonit = catatonit;
        this.runner = runner;
        this.processes = processes;
    }

    /**
     * Starts the infra process of {@code podId} in a new PID namespace inside the namespaces of
     * {@code join} (any of net, IPC, UTS; empty for the host's).
     */
    public InfraPid start(String podId, Map<NamespaceType, Path> join) throws IOException {
        long pid;
        try {
            pid = runner.spawnIn(join, true, List.of(catatonit.toString(), "-P"), Optional.empty());
        } catch (IOException | RuntimeException e) {
            throw new IOException("start infra process " + catatonit + " -P of pod " + podId + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while starting the infra process of pod " + podId);
        } catch (Exception e) {
            throw new IOException("start infra process of pod " + podId + ": " + e.getMessage(), e);
        }
        Optional<ProcStat> stat = processes.stat(pid);
        if (stat.isEmpty() || !stat.get().alive()) {
            throw new IOException("infra process " + catatonit + " -P of pod " + podId + " (pid " + pid + ") exited at once");
        }
        return new InfraPid(pid, stat.get().startTime());
    }

    /** Whether the process still runs: the pid exists, is not a zombie, and started when ours did. */
    public boolean isAlive(InfraPid infra) throws IOException {
        Optional<ProcStat> stat = processes.stat(infra.pid());
        return stat.isPresent() && stat.get().alive() && stat.get().startTime() == infra.startTime();
    }

    /** The PID namespace file for containers to join ({@code /proc/<pid>/ns/pid}); valid while {@link #isAlive}. */
    public Path pidNamespace(InfraPid infra) {
        return Path.of("/proc", Long.toString(infra.pid()), "ns", "pid");
    }

    /**
     * Kills the process (SIGKILL; pid 1 of a namespace ignores anything else we could send) and
     * waits until it has exited; killing pid 1 also kills everything left in its PID namespace.
     * Idempotent: a process already gone, or a pid now used by another process, is left alone.
     * The process is reaped here when this gantryd started it; after a restart its new parent does.
     */
    public void stop(InfraPid infra) throws IOException {
        Optional<Processes.Handle> handle = processes.open(infra.pid());
        if (handle.isEmpty()) {
            return;
        }
        try (Processes.Handle pidfd = handle.get()) {
            // Checked after opening the handle: the handle then names this process and no later one.
            if (isAlive(infra)) {
                pidfd.kill(Pidfd.SIGKILL);
                if (!pidfd.waitExit(STOP_TIMEOUT)) {
                    throw new IOException("infra process pid " + infra.pid() + " did not exit within " + STOP_TIMEOUT.toSeconds()
                            + "s of SIGKILL");
                }
            }
            // Our child stays a zombie until waited for; the open pidfd keeps its pid from being reused meanwhile.
            processes.reap(infra.pid());
        }
    }
}
