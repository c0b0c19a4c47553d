package dev.gantry.runtime.container;

import dev.gantry.common.lifecycle.StepTimes;
import dev.gantry.common.store.RecordStore;
import dev.gantry.image.gc.Leases;
import dev.gantry.runtime.oci.OciRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what a container had, in the order that keeps a crash safe: runc's state, the rootfs
 * mount, the run directory and exit file, the image lease, then the container directory with its
 * record last. Every step is idempotent, so RemoveContainer retried, or recovery finishing a
 * remove cut short, runs the same steps again.
 */
final class ContainerRemoval {

    private static final Logger log = LoggerFactory.getLogger(ContainerRemoval.class);

    private ContainerRemoval() {}

    /**
     * RemoveContainer's way: what must be gone before the call answers goes now (runc's state, the
     * mounts, which hold the image's layers, and the image lease); then the container directory
     * moves out of the store in one rename, and the rest is deleted by the returned task, after
     * the answer. A crash before the rename leaves the container as it was, minus its mounts; after
     * it, recovery deletes what the task did not (see {@link ContainerRecovery}): the moved
     * directory, and the run directory, exit file and attach link of an id no record claims.
     *
     * @param runcReleased runc's state is known to be deleted already (at the exit), so runc is not run again
     * @return the deletion of the moved directory, the run directory, conmon's exit file and attach
     *     link: disk work nobody waits for (an unlink in the watched exits directory took 1-3 ms)
     */
    static Runnable detach(Container c, ContainerStore store, ContainerSystem system, Map<String, Leases.Lease> leases,
            boolean runcReleased, StepTimes times) {
        ContainerPaths paths = system.paths();
        try {
            releaseRuntimeAndMounts(c, system, runcReleased, times);
        } catch (IOException e) {
            throw RecordStore.failure("remove container " + c.id(), e);
        }
        closeLease(leases, c.id());
        store.moveOut(c.id(), paths.removed(c.id()));
        times.lap("record");
        return () -> {
            try {
                ContainerStore.deleteTree(paths.removed(c.id()));
                ContainerStore.deleteTree(paths.runDir(c.id()));
                Files.deleteIfExists(paths.exitFile(c.id()));
                Files.deleteIfExists(paths.attach().resolve(c.id()));
            } catch (IOException e) {
                // Recovery deletes what is left at the next start.
                log.warn("deleting the files of removed container {}: {}", c.id(), e.getMessage());
            }
        };
    }

    /** @param runcReleased runc's state is known to be deleted already (at the exit), so runc is not run again */
    static void remove(Container c, ContainerStore store, ContainerSystem system, Map<String, Leases.Lease> leases, boolean runcReleased,
            StepTimes times) {
        ContainerPaths paths = system.paths();
        try {
            releaseRuntimeAndMounts(c, system, runcReleased, times);
            ContainerStore.deleteTree(paths.runDir(c.id()));
            Files.deleteIfExists(paths.exitFile(c.id()));
            Files.deleteIfExists(paths.attach().resolve(c.id()));
            times.lap("files");
        } catch (IOException e) {
            throw RecordStore.failure("remove container " + c.id(), e);
        }
        closeLease(leases, c.id());
        store.remove(c.id());
        times.lap("record");
    }

    /** Unmounts the container's root and its image volumes; not mounted is already done. */
    static void unmount(ContainerSystem system, String id) throws IOException {
        system.rootfs().unmount(system.paths().rootfs(id));
        ImageVolumes.unmountAll(system.rootfs(), system.paths(), id);
    }

    private static void releaseRuntimeAndMounts(Container c, ContainerSystem system, boolean runcReleased, StepTimes times)
            throws IOException {
        OciRuntime runtime = system.runtimes().get(c.runtimeHandler());
        if (runtime != null && !runcReleased) {
            runtime.delete(c.id());
        }
        times.lap("runc delete");
        unmount(system, c.id());
        times.lap("unmount");
    }

    private static void closeLease(Map<String, Leases.Lease> leases, String id) {
        Leases.Lease lease = leases.remove(id);
        if (lease != null) {
            lease.close();
        }
    }
}
