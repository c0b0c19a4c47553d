package dev.gantry.runtime.rpc;

import dev.gantry.cri.rpc.InvalidRequestException;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.runtime.errors.ContainerNotRunningException;

/**
 * What Exec, ExecSync and Attach check before anything runs, as the kubelet's streaming server
 * does: the streams asked for make sense, and the container exists and is running.
 */
final class StreamChecks {

    private StreamChecks() {}

    static void streams(String rpc, boolean tty, boolean stdin, boolean stdout, boolean stderr) {
        if (tty && stderr) {
            throw new InvalidRequestException(rpc + ": tty and stderr cannot both be true (a terminal has one output stream)");
        }
        if (!stdin && !stdout && !stderr) {
            throw new InvalidRequestException(rpc + ": one of stdin, stdout or stderr must be set");
        }
    }

    /** The running container with this id or prefix: NOT_FOUND when unknown, FAILED_PRECONDITION when not running. */
    static Container running(String rpc, ContainerManager containers, String idOrPrefix) {
        RequestChecks.id(rpc, "container_id", idOrPrefix);
        Container c = containers.status(idOrPrefix);
        if (!(c.state() instanceof ContainerState.Running)) {
            throw new ContainerNotRunningException(
                    rpc + ": container " + c.id() + " is not running (" + ContainerMessages.state(c.state()).name() + ")");
        }
        return c;
    }
}
