package dev.gantry.runtime.oci;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What gantryd asks of an OCI runtime (runc) for a container that exists.
 *
 * <p>Creation is not called through here: conmon runs {@code runc create} itself (see
 * {@code runtime.monitor.ContainerMonitor}), as it must be the runtime's parent to hold the
 * container's stdio and reap it; it is handed {@link #binary} and {@link #root}. An exec's process
 * is spawned by the exec engine, which owns its pipes or terminal, from the command line
 * {@link #execCommand} gives. Everything else gantryd does to a container after it was created
 * is a call here.
 *
 * <pre>
 *            monitor: create          start            exit (or kill)
 *   (none) ───────────────► created ─────────► running ──────────────► stopped
 *      ▲                       │                                         │
 *      └──────────── delete ───┴─────────────────────────────────────────┘
 * </pre>
 *
 * <p>kill, state and delete are idempotent over a container that is gone: the kubelet retries
 * Stop and Remove, and gantryd asks again after a restart. {@code OciRuntimeContract} holds every
 * implementation, fakes included, to the same behaviour.
 */
public interface OciRuntime {

    /** The runtime's executable, which conmon and exec run themselves. */
    Path binary();

    /** The runtime's state directory ({@code --root}). */
    Path root();

    /** Runs the created container's process. */
    void start(String id);

    /**
     * As {@link #start(String)}, given the pid of the container's init as the create reported it
     * (conmon's pid file), which a runtime may use to start it without a process of its own; 0 when
     * unknown.
     */
    default void start(String id, long initPid) {
        start(id);
    }

    /**
     * Sends {@code signal} to the container's init, or with {@code all} to every process in it. A
     * container that is stopped or unknown is not an error: there is nothing left to signal.
     */
    void kill(String id, int signal, boolean all);

    /** What the runtime knows of the container; empty when it does not know the id. */
    Optional<RuncState> state(String id);

    /** Kills what still runs and forgets the container; an unknown id is fine. */
    void delete(String id);

    /** Changes the running or created container's cgroup limits. */
    void update(String id, OciSpec.Resources resources);

    /**
     * The command line that runs {@code processFile} (an OCI process, JSON) in the running container
     * in the foreground, writing the process's host pid to {@code pidFile}; it exits with the
     * process's exit status. The caller spawns it, so it owns the streams and any terminal.
     */
    List<String> execCommand(String id, Path processFile, Path pidFile);
}
