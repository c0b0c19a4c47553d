package dev.gantry.runtime.container;

import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.SandboxManager;

/**
 * What the container lifecycle needs of the pod sandboxes: a pod by id. (The pod's lock is the pod
 * coordinator's, above both managers.) {@link #of} adapts the sandbox manager; unit tests give a fake.
 */
@FunctionalInterface
public interface ContainerPods {

    /** The pod with this id or unique prefix; NOT_FOUND when there is none or it is still being created. */
    PodSandbox status(String idOrPrefix);

    /** The sandbox manager's pods. */
    static ContainerPods of(SandboxManager sandboxes) {
        return sandboxes::status;
    }
}
