package dev.gantry.runtime.exec;

import dev.gantry.common.errors.GantryException;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.runtime.container.ContainerSystem;
import dev.gantry.runtime.errors.ContainerNotRunningException;
import dev.gantry.runtime.errors.InvalidExecRequestException;
import dev.gantry.runtime.oci.OciRuntime;
import java.util.Locale;

/** The containers of the container manager as exec targets. */
final class ContainerExecTargets implements ExecTargets {

    private final ContainerManager containers;
    private final ContainerSystem system;

    ContainerExecTargets(ContainerManager containers, ContainerSystem system) {
        this.containers = containers;
        this.system = system;
    }

    @Override
    public ExecTarget running(String idOrPrefix) {
        if (idOrPrefix == null || idOrPrefix.isEmpty()) {
            throw new InvalidExecRequestException("exec: container_id is empty");
        }
        Container c = containers.status(idOrPrefix);
        if (!(c.state() instanceof ContainerState.Running)) {
            throw new ContainerNotRunningException(
                    "exec in container " + c.id() + ": it is " + c.state().getClass().getSimpleName().toLowerCase(Locale.ROOT) + ", not running");
        }
        OciRuntime runtime = system.runtime(c.runtimeHandler());
        return new ExecTarget(c.id(), runtime, system.paths().bundle(c.id()), system.paths().runDir(c.id()));
    }

    @Override
    public boolean stillRunning(String id) {
        try {
            return containers.status(id).state() instanceof ContainerState.Running;
        } catch (GantryException e) {
            return false;
        }
    }
}
