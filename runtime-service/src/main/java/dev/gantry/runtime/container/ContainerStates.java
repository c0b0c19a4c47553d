package dev.gantry.runtime.container;

import dev.gantry.runtime.monitor.ExitStatus;
import java.time.Instant;

/** How exits become states, and states become words. */
final class ContainerStates {

    static final String COMPLETED = "Completed";
    static final String ERROR = "Error";
    static final String OOM_KILLED = "OOMKilled";
    static final String UNKNOWN = "Unknown";
    /** The code reported when nobody knows how the process ended (as containerd's unknownExitCode). */
    static final int UNKNOWN_CODE = 255;

    private ContainerStates() {}

    /**
     * The EXITED state for an exit conmon reported. The reason follows the kubelet's reading:
     * OOMKilled when the cgroup's OOM killer struck, else Completed for 0 and Error for anything else.
     */
    static ContainerState.Exited exited(Container c, ExitStatus exit, boolean oomKilled) {
        Instant started = c.state() instanceof ContainerState.Running r ? r.startedAt() : Instant.EPOCH;
        // The exit file's mtime has a coarser clock than ours; never report an end before the start.
        Instant finished = exit.finishedAt().isBefore(started) ? started : exit.finishedAt();
        if (exit.exitCode() == ExitStatus.UNKNOWN_CODE) {
            return new ContainerState.Exited(started, finished, UNKNOWN_CODE, UNKNOWN, "conmon's exit file held no exit status");
        }
        String reason = oomKilled ? OOM_KILLED : exit.exitCode() == 0 ? COMPLETED : ERROR;
        return new ContainerState.Exited(started, finished, exit.exitCode(), reason, "");
    }

    /** The EXITED state of a container whose end nobody saw (gantryd and conmon were both gone). */
    static ContainerState.Exited unknown(Container c, Instant now, String message) {
        Instant started = c.state() instanceof ContainerState.Running r ? r.startedAt() : Instant.EPOCH;
        return new ContainerState.Exited(started, now.isBefore(started) ? started : now, UNKNOWN_CODE, UNKNOWN, message);
    }

    static String describe(ContainerState state) {
        return switch (state) {
            case ContainerState.Creating s -> "being created";
            case ContainerState.Created s -> "created";
            case ContainerState.Running s -> "running";
            case ContainerState.Exited s -> "exited (code " + s.exitCode() + ", " + s.reason() + ")";
        };
    }
}
