package dev.gantry.sandbox;

import dev.gantry.cni.CniNetwork;
import dev.gantry.common.lifecycle.Failpoints;
import dev.gantry.common.lifecycle.StepTimes;
import dev.gantry.linux.mount.Mounter;
import dev.gantry.sandbox.errors.PodSetupFailedException;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stop and remove steps. Each is idempotent and safe on a half-made pod, because the kubelet
 * retries them and recovery runs them on whatever a crash left:
 *
 * <pre>
 *   stop:   record NOTREADY ─▶ CNI DEL ─▶ kill infra ─▶ unmount /dev/shm ─▶ record without attachment
 *           and infra (IPs kept for status)
 *   remove: stop ─▶ unpin namespaces ─▶ remove own cgroup ─▶ delete pod dir and record
 * </pre>
 */
final class SandboxTeardown {

    private static final Logger log = LoggerFactory.getLogger(SandboxTeardown.class);
    static final String STOPPED = "stopped";

    private final SandboxStore store;
    private final SandboxSystem system;

    SandboxTeardown(SandboxStore store, SandboxSystem system) {
        this.store = store;
        this.system = system;
    }

    /**
     * Stops {@code pod}; the caller holds its lock. Returns the stopped record.
     *
     * <p>The record says NOTREADY before the first step the pod cannot survive: a gantryd killed
     * after CNI DEL must not come back with a READY pod whose IP is already released. It keeps
     * naming the attachment and the infra process until they are gone, so the kubelet's next
     * StopPodSandbox runs the remaining steps.
     */
    PodSandbox stop(PodSandbox pod, StepTimes times) throws IOException {
        if (!holdsResources(pod) && !pod.isReady()) {
            return pod;
        }
        if (!(pod.state() instanceof SandboxState.NotReady)) {
            pod = store.update(pod.id(), p -> p.withState(new SandboxState.NotReady(STOPPED)));
            times.lap("record not ready");
        }
        Failpoints.reach("sandbox-stop-before-cni-del");
        detachNetwork(pod);
        times.lap("cni del");
        Failpoints.reach("sandbox-stop-after-cni-del");
        if (pod.infra().isPresent()) {
            system.infra().stop(pod.infra().get());
            times.lap("infra killed");
        }
        if (!pod.paths().shmPath().isEmpty()) {
            unmountShm(system.mounts(), Path.of(pod.paths().shmPath()));
            times.lap("shm unmounted");
        }
        PodNetwork network = pod.network().hostNetwork() ? pod.network()
                : pod.network().withAttachment("", "", pod.network().ips());
        PodSandbox stopped = store.update(pod.id(), p -> p.withNetwork(network).withResources(p.cgroupCreated(), Optional.empty()));
        times.lap("record stopped");
        return stopped;
    }

    /** Removes {@code pod}, stopping it first if needed; the caller holds its lock. */
    void remove(PodSandbox pod, StepTimes times) throws IOException {
        PodSandbox stopped = stop(pod, times);
        system.namespaces().remove(stopped.id());
        times.lap("namespaces unpinned");
        Failpoints.reach("sandbox-remove-after-unpin");
        if (stopped.cgroupCreated() && system.cgroups() != null && !system.cgroups().removeUnlessShared(stopped.cgroupParent())) {
            // Later sandboxes named the parent this one created: it stays, empty once they are gone, like a parent the kubelet made.
            log.info("pod {}: cgroup {} kept: other cgroups live in it", stopped.id(), stopped.cgroupParent());
        }
        times.lap("cgroup");
        store.remove(stopped.id());
        times.lap("record removed");
    }

    /**
     * Runs CNI DEL for the pod's attachment. A pod whose ADD never finished has no network name
     * recorded: DEL then goes to the current network, which is where the ADD went.
     */
    void detachNetwork(PodSandbox pod) {
        if (pod.network().hostNetwork()) {
            return;
        }
        String name = pod.network().cniNetworkName();
        if (name.isEmpty()) {
            Optional<String> current = system.network().networks().current().map(CniNetwork::name);
            if (current.isEmpty()) {
                log.warn("pod {}: no network recorded and no network configured now; nothing to detach", pod.id());
                return;
            }
            name = current.get();
        }
        system.network().detach(pod.id(), Path.of(pod.network().namespacePath()), pod.metadata(), name);
    }

    /** True while the pod may still hold a network attachment, an infra process or a /dev/shm mount. */
    private boolean holdsResources(PodSandbox pod) {
        boolean attached = !pod.network().hostNetwork() && !pod.network().cniNetworkName().isEmpty();
        return attached || pod.infra().isPresent() || (!pod.paths().shmPath().isEmpty() && isMounted(pod.paths().shmPath()));
    }

    private boolean isMounted(String path) {
        try {
            return system.mounts().isMountPoint(Path.of(path));
        } catch (IOException e) {
            return true; // cannot tell: unmount again, which is idempotent
        }
    }

    static void unmountShm(Mounter mounts, Path shm) throws IOException {
        mounts.unmount(shm);
        try {
            Files.deleteIfExists(shm);
        } catch (DirectoryNotEmptyException e) {
            throw new PodSetupFailedException("remove pod /dev/shm " + shm + ": still holds files after unmount", e);
        }
    }
}
