package dev.gantry.linux.proc;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The process calls a pod's lifecycle makes (signal, wait, reap, read its stat, find who lives in
 * a namespace), as an object: {@link LinuxProcesses} makes them through pidfds, waitpid and /proc;
 * a test hands the lifecycle a fake so it runs without root or real processes.
 */
public interface Processes {

    /**
     * A handle on one process that cannot be confused with a later process given the same pid
     * ({@link Pidfd}): what it is sent reaches that process or nobody.
     */
    interface Handle extends AutoCloseable {

        long pid();

        /** Sends {@code signal}; false if the process has already exited. */
        boolean kill(int signal) throws IOException;

        /** Waits up to {@code timeout} for the process to exit; true once it has (it may still be a zombie). */
        boolean waitExit(Duration timeout) throws IOException;

        @Override
        void close();
    }

    /** A handle on the live process {@code pid}, or empty when there is none. */
    Optional<Handle> open(long pid) throws IOException;

    /** The process's {@code /proc/<pid>/stat}, or empty if there is no such process. */
    Optional<ProcStat> stat(long pid) throws IOException;

    /**
     * The process's pid in the innermost PID namespace it is in ({@link ProcStatus#innermostPid}):
     * 1 for the init of a PID namespace of its own; empty if there is no such process.
     */
    OptionalLong innermostPid(long pid) throws IOException;

    /**
     * Sends {@code signal} to {@code init}, then to every other process in its cgroup: the whole of
     * a container whose init is not pid 1 of a PID namespace of its own, so the kernel would not
     * take the rest with it. The init goes first: a shell waiting for its children would otherwise
     * see them die and exit 0 before its own signal came. Each other process gets the signal
     * through a {@link Handle} opened before its membership is checked again, so a pid reused
     * meanwhile is left alone. A process forked after the cgroup was read is missed: the runtime's
     * delete, which kills what is left in the cgroup, covers it.
     *
     * @return how many processes were signalled, the init included; empty when nothing was sent:
     *     the cgroup cannot be told apart from gantryd's (no hierarchy, the root, gantryd's own) or
     *     the init had already exited
     */
    OptionalInt signalCgroup(Handle init, int signal) throws IOException;

    /** Pids whose {@code kind} namespace ("net", "ipc", "uts") is the one pinned at {@code pin}. */
    List<Long> namespaceMembers(Path pin, String kind) throws IOException;

    /**
     * Collects the exit of our child {@code pid} without blocking: its wait status, or empty when it
     * still runs or is not our child (any more).
     */
    OptionalInt reap(long pid) throws IOException;
}
