package dev.gantry.sandbox;

import dev.gantry.cni.CniNetwork;
import dev.gantry.common.id.Ids;
import dev.gantry.common.store.RecordStore;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.linux.proc.Pidfd;
import dev.gantry.linux.proc.Processes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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

    /** CNI_ARGS for a pod whose record is gone: plugins release by container id, not by these names. */
    private static final SandboxMetadata UNKNOWN_POD = new SandboxMetadata("", "", "", 0);

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
        for (RecordStore.BrokenRecord broken : store.load()) {
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
                    Optional<String> lost = lostResource(pod);
                    if (lost.isEmpty()) {
                        ready++;
                    } else {
                        log.warn("pod sandbox {} ({}) is not ready after the restart: {}", pod.id(), pod.reservedName(), lost.get());
                        store.update(pod.id(), p -> p.withState(new SandboxState.NotReady(lost.get())));
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
            killMembers(pod.id());
            system.namespaces().remove(pod.id());
            SandboxTeardown.unmountShm(system.mounts(), system.shmPath(pod.id()));
            removeCgroupIfEmpty(pod);
            store.remove(pod.id());
        } catch (RuntimeException | IOException e) {
            log.warn("pod sandbox {}: undo of the interrupted creation failed, left NOTREADY for the kubelet: {}", pod.id(), e.getMessage());
            store.update(pod.id(), p -> p.withState(new SandboxState.NotReady("creation interrupted by a gantryd restart")));
        }
    }

    /**
     * The record of a half-made pod cannot say whether its Run created the cgroup (that is written
     * at READY), so an empty leaf is removed either way: if the kubelet made it, it makes it again
     * for the pod's next sandbox. A leaf with processes in it is not ours to touch.
     */
    private void removeCgroupIfEmpty(PodSandbox pod) {
        if (pod.cgroupParent().isEmpty() || system.cgroups() == null || !system.cgroups().exists(pod.cgroupParent())) {
            return;
        }
        try {
            system.cgroups().remove(pod.cgroupParent());
        } catch (IOException | RuntimeException e) {
            log.info("pod {}: cgroup {} kept: {}", pod.id(), pod.cgroupParent(), e.getMessage());
        }
    }

    /** Empty when everything the READY pod needs is still there, else what is missing. */
    private Optional<String> lostResource(PodSandbox pod) {
        for (var entry : pod.paths().namespacePaths().entrySet()) {
            try {
                if (!system.mounts().isMountPoint(Path.of(entry.getValue()))) {
                    return Optional.of(entry.getKey() + " namespace pin " + entry.getValue() + " is gone");
                }
            } catch (IOException e) {
                return Optional.of(entry.getKey() + " namespace pin " + entry.getValue() + " is unreadable: " + e.getMessage());
            }
        }
        try {
            if (pod.infra().isPresent() && !system.infra().isAlive(pod.infra().get())) {
                return Optional.of("infra process " + pod.infra().get().pid() + " has exited");
            }
        } catch (IOException e) {
            return Optional.of("infra process " + pod.infra().get().pid() + " cannot be checked: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** Unpins and unmounts what a pod without a usable record may have left; true if anything was there. */
    private boolean destroyLeftovers(String id) {
        boolean found = false;
        try {
            for (NamespaceType type : NamespaceType.values()) {
                found |= Files.exists(system.namespaces().pinPath(id, type));
            }
            detachOrphan(id);
            killMembers(id);
            system.namespaces().remove(id);
            Path shm = system.shmPath(id);
            if (Files.exists(shm)) {
                found = true;
                SandboxTeardown.unmountShm(system.mounts(), shm);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("pod {}: leftover namespaces or /dev/shm could not be removed: {}", id, e.getMessage());
        }
        return found;
    }

    /**
     * A pod without a usable record may still hold a network attachment: RunPodSandbox starts CNI
     * ADD while the record is being synced. DEL it on the current network (leases are released by
     * container id); DEL is idempotent, so a netns that never got an interface costs one plugin run.
     */
    private void detachOrphan(String id) {
        Path netns = system.namespaces().pinPath(id, NamespaceType.NET);
        try {
            if (!system.mounts().isMountPoint(netns)) {
                return;
            }
            Optional<String> network = system.network().networks().current().map(CniNetwork::name);
            if (network.isPresent()) {
                system.network().detach(id, netns, UNKNOWN_POD, network.get());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("pod {}: CNI DEL of its leftover netns failed: {}", id, e.getMessage());
        }
    }

    /**
     * Kills what still runs in the namespaces of a pod that is being undone: its infra process, or
     * a plugin the dead daemon had started. Such a pod never had containers, so nothing else is there.
     */
    private void killMembers(String id) throws IOException {
        for (NamespaceType type : NamespaceType.values()) {
            Path pin = system.namespaces().pinPath(id, type);
            if (!system.mounts().isMountPoint(pin)) {
                continue;
            }
            for (long pid : system.processes().namespaceMembers(pin, type.procName())) {
                Optional<Processes.Handle> handle = system.processes().open(pid);
                if (handle.isEmpty()) {
                    continue;
                }
                try (Processes.Handle pidfd = handle.get()) {
                    log.info("pod {}: killing leftover process {} in its {} namespace", id, pid, type.procName());
                    pidfd.kill(Pidfd.SIGKILL);
                    pidfd.waitExit(Duration.ofSeconds(5));
                }
            }
        }
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
