package dev.gantry.runtime.container;

import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.SandboxManager;
import java.util.concurrent.Callable;

/**
 * What the container lifecycle needs of the pod sandboxes: a pod by id, and its lock, under which
 * no Stop or Remove of the pod runs. {@link #of} adapts the sandbox manager; unit tests give a fake.
 */
public interface ContainerPods {

    /** The pod with this id or unique prefix; NOT_FOUND when there is none or it is still being created. */
    PodSandbox status(String idOrPrefix);

    /** Runs {@code action} holding the pod's lock. */
    <T> T whileLocked(String podId, Callable<T> action) throws Exception;

    /** The sandbox manager's pods. */
    static ContainerPods of(SandboxManager sandboxes) {
        return new ContainerPods() {
            @Override
            public PodSandbox status(String idOrPrefix) {
                return sandboxes.status(idOrPrefix);
            }

            @Override
            public <T> T whileLocked(String podId, Callable<T> action) throws Exception {
                return sandboxes.whileLocked(podId, action);
            }
        };
    }
}
