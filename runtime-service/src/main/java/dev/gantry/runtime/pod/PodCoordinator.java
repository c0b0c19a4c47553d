package dev.gantry.runtime.pod;

import dev.gantry.common.lifecycle.KeyedLocks;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.SandboxManager;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Work that spans a pod's sandbox and its containers, under the pod's lock:
 *
 * <pre>
 *   CreateContainer   lock(pod) → read the pod again → containers.create
 *   StopPodSandbox    lock(pod) → containers.stopAll   → sandboxes.stop    (network goes last)
 *   RemovePodSandbox  lock(pod) → containers.removeAll → sandboxes.remove  → forget the lock
 * </pre>
 *
 * The CRI requires a pod's containers to be stopped before its network goes and removed before
 * the pod; the lock keeps a CreateContainer from slipping a container into a pod being torn down.
 * The two managers never call each other for this: the sandbox manager knows nothing of
 * containers, and the container manager only reads the pod it is given. Lock order is always this
 * lock, then the managers' own per-object locks, never the reverse.
 */
public final class PodCoordinator {

    private final SandboxManager sandboxes;
    private final ContainerManager containers;
    private final KeyedLocks podLocks = new KeyedLocks();

    public PodCoordinator(SandboxManager sandboxes, ContainerManager containers) {
        this.sandboxes = sandboxes;
        this.containers = containers;
    }

    /**
     * CreateContainer in the pod with this id or unique id prefix.
     *
     * @throws dev.gantry.common.errors.GantryException NOT_FOUND when the pod is unknown or still being created
     */
    public Container createContainer(String podId, ContainerConfig config, PodSandboxConfig podConfig, BooleanSupplier callerGone)
            throws Exception {
        String fullPodId = sandboxes.status(podId).id();
        try (var held = podLocks.lock(fullPodId)) {
            // Read again under the lock: a Stop or Remove may have finished while we waited for it.
            PodSandbox pod = sandboxes.status(fullPodId);
            return containers.create(pod, config, podConfig, callerGone);
        }
    }

    /** StopPodSandbox: the pod's containers (killed at once), then the sandbox. Idempotent; an unknown id is OK. */
    public void stopPod(String id) throws Exception {
        Optional<PodSandbox> pod = sandboxes.find(id);
        if (pod.isEmpty()) {
            return;
        }
        String full = pod.get().id();
        try (var held = podLocks.lock(full)) {
            containers.stopAll(full);
            sandboxes.stop(full);
        }
    }

    /** RemovePodSandbox: the pod's containers, then the sandbox (stopped first if READY). Idempotent. */
    public void removePod(String id) throws Exception {
        Optional<PodSandbox> pod = sandboxes.find(id);
        if (pod.isEmpty()) {
            return;
        }
        String full = pod.get().id();
        try (var held = podLocks.lock(full)) {
            containers.removeAll(full);
            sandboxes.remove(full);
        }
        podLocks.forget(full);
    }
}
