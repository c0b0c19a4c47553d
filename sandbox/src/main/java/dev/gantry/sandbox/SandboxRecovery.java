package dev.gantry.sandbox;

import dev.gantry.common.id.Ids;
import dev.gantry.linux.mount.Mounts;
import dev.gantry.linux.ns.NamespaceType;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the sandboxes back after gantryd starts, from their records and what the node still has:
 *
 * <ul>
 *   <li>CREATING: the daemon died during RunPodSandbox. Every step is undone and the record goes.
 *   <li>READY: kept when its pinned namespaces and infra process are still there; otherwise (a
 *       reboot wiped the state dir, someone killed the infra process) it becomes NOTREADY and the
 *       kubelet replaces it. Network attachments are not touched: the pod keeps its IP.
 *   <li>Namespace pins and /dev/shm mounts no record claims, and unreadable pod dirs, are removed.
 * </ul>
 */
public final class SandboxRecovery {

    private static final Logger log = LoggerFactory.getLogger(SandboxRecovery.class);

    /** What recovery found: pods kept ready, pods marked not ready, and leftovers removed. */
    public record Report(int ready, int notReady, int undone, int orphansRemoved) {}

    private final SandboxStore store;
    private final SandboxSystem system;
    private final SandboxTeardown teardown;

    SandboxRecovery(SandboxStore store, SandboxSystem system, SandboxTeardown teardown) {
        this.store = store;
        this.system = system;
        this.teardown = teardown;
    }

    Report run() {
        int orphans = 0;
        for (SandboxStore.BrokenRecord broken : store.load()) {
            log.warn("pod directory {} is unusable ({}); removing it", broken.directory(), broken.problem());
            String name = broken.directory().getFileName().toString();
            if (Ids.isValid(name)) {
                orphans += destroyLeftovers(name) ? 1 : 0;
                store.remove(name);
            }
        }
        int ready = 0;
        int notReady = 0;
        int undone = 0;
        for (PodSandbox pod : store.list()) {
            switch (pod.state()) {
                case SandboxState.Creating c -> {
                    undoCreate(pod);
                    undone++;
                }
                case SandboxState.Ready r -> {
                    String lost = lostResource(pod);
                    if (lost == null) {
                        ready++;
                    } else {
                        log.warn("pod sandbox {} ({}) is not ready after the restart: {}", pod.id(), pod.reservedName(), lost);
                        store.update(pod.id(), p -> p.withState(new SandboxState.NotReady(lost)));
                        notReady++;
                    }
                }
                case SandboxState.NotReady n -> notReady++;
            }
        }
        orphans += removeUnclaimed();
        return new Report(ready, notReady, undone, orphans);
    }

    private void undoCreate(PodSandbox pod) {
        log.info("pod sandbox {} ({}) was being created when gantryd stopped; undoing it", pod.id(), pod.reservedName());
        try {
            teardown.detachNetwork(pod);
            system.namespaces().remove(pod.id());
            SandboxTeardown.unmountShm(system.shmPath(pod.id()));
            store.remove(pod.id());
        } catch (RuntimeException | IOException e) {
            log.warn("pod sandbox {}: undo of the interrupted creation failed, left NOTREADY for the kubelet: {}", pod.id(), e.getMessage());
            store.update(pod.id(), p -> p.withState(new SandboxState.NotReady("creation interrupted by a gantryd restart")));
        }
    }

    /** Null when everything the READY pod needs is still there, else what is missing. */
    private String lostResource(PodSandbox pod) {
        for (var entry : pod.paths().namespacePaths().entrySet()) {
            try {
                if (!Mounts.isMountPoint(Path.of(entry.getValue()))) {
                    return entry.getKey() + " namespace pin " + entry.getValue() + " is gone";
                }
            } catch (IOException e) {
                return entry.getKey() + " namespace pin " + entry.getValue() + " is unreadable: " + e.getMessage();
            }
        }
        try {
            if (pod.infra().isPresent() && !system.infra().isAlive(pod.infra().get())) {
                return "infra process " + pod.infra().get().pid() + " has exited";
            }
        } catch (IOException e) {
            return "infra process " + pod.infra().get().pid() + " cannot be checked: " + e.getMessage();
        }
        return null;
    }

    /** Unpins and unmounts what a pod without a usable record may have left; true if anything was there. */
    private boolean destroyLeftovers(String id) {
        boolean found = false;
        try {
            for (NamespaceType type : NamespaceType.values()) {
                found |= Files.exists(system.namespaces().pinPath(id, type));
            }
            system.namespaces().remove(id);
            Path shm = system.shmPath(id);
            if (Files.exists(shm)) {
                found = true;
                SandboxTeardown.unmountShm(shm);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("pod {}: leftover namespaces or /dev/shm could not be removed: {}", id, e.getMessage());
        }
        return found;
    }

    private int removeUnclaimed() {
        Set<String> known = new HashSet<>();
        store.list().forEach(p -> known.add(p.id()));
        List<String> candidates = new ArrayList<>();
        try {
            candidates.addAll(system.namespaces().pinned());
        } catch (IOException e) {
            log.warn("cannot list pinned namespaces: {}", e.getMessage());
        }
        if (Files.isDirectory(system.shmBase())) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(system.shmBase())) {
                dir.forEach(p -> candidates.add(p.getFileName().toString()));
            } catch (IOException e) {
                log.warn("cannot list {}: {}", system.shmBase(), e.getMessage());
            }
        }
        int removed = 0;
        for (String id : new HashSet<>(candidates)) {
            if (!known.contains(id) && Ids.isValid(id)) {
                log.info("removing namespaces and /dev/shm of pod {}, which no record claims", id);
                removed += destroyLeftovers(id) ? 1 : 0;
            }
        }
        return removed;
    }
}
