package dev.gantry.runtime.container;

import dev.gantry.common.id.Ids;
import dev.gantry.common.lifecycle.StepTimes;
import dev.gantry.common.store.RecordStore;
import dev.gantry.image.store.ImageRecord;
import dev.gantry.runtime.oci.OciRuntime;
import dev.gantry.runtime.oci.RuncState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the containers from disk when gantryd starts, trusting facts over records: runc's
 * state and conmon's exit files say what the processes did while gantryd was down.
 *
 * <pre>
 * CREATING record            → undo the create (runc delete, unmount, remove)
 * removing (an older gantryd) → finish the remove
 * moved out by RemoveContainer → delete it (the remove had answered; its deletion was cut short)
 * CREATED, conmon gone, no exit file, runc says created or nothing
 *                            → conmon + runc create again (gantryd died while they ran: see ContainerManager#relaunch)
 * CREATED/RUNNING, runc says
 *    created / running       → keep (re-lease the image); exits are watched again after this
 *    stopped, conmon alive   → keep: conmon is writing the exit file, the watcher's rescan reads it
 *    stopped or unknown      → EXITED Unknown (255) unless an exit file says more
 * exit files and run dirs no record claims → removed
 * </pre>
 *
 * Exit files are not read here: the exit watcher's first rescan, right after, reports every one.
 */
public final class ContainerRecovery {

    private static final Logger log = LoggerFactory.getLogger(ContainerRecovery.class);

    /** What recovery did, for one log line. */
    public record Report(int live, int exited, int undone, int removed) {}

    private final ContainerStore store;
    private final ContainerSystem system;
    private final ContainerManager manager;

    public ContainerRecovery(ContainerStore store, ContainerSystem system, ContainerManager manager) {
        this.store = store;
        this.system = system;
        this.manager = manager;
    }

    public Report recover() {
        int live = 0;
        int exited = 0;
        int undone = 0;
        int removed = deleteMovedOut();
        for (RecordStore.BrokenRecord broken : store.load()) {
            String id = broken.directory().getFileName().toString();
            log.warn("container directory {} is unusable ({}); removing it", broken.directory(), broken.problem());
            if (Ids.isValid(id)) {
                removeLeftovers(id);
            }
            try {
                ContainerStore.deleteTree(broken.directory());
            } catch (IOException e) {
                log.error("cannot remove broken container directory {}: {}", broken.directory(), e.getMessage());
            }
        }
        for (Container c : store.list()) {
            try {
                if (c.state() instanceof ContainerState.Creating || c.removing()) {
                    ContainerRemoval.remove(c, store, system, new HashMap<>(), false, new StepTimes());
                    if (c.removing()) {
                        removed++;
                    } else {
                        undone++;
                    }
                    continue;
                }
                holdImage(c);
                if (c.state().isLive()) {
                    Container now = refresh(c);
                    if (now.state().isLive()) {
                        live++;
                    } else {
                        exited++;
                    }
                } else {
                    exited++;
                }
            } catch (RuntimeException e) {
                log.error("recovering container {} ({}) failed: {}", c.id(), c.reservedName(), e.getMessage(), e);
            }
        }
        removeUnclaimed();
        return new Report(live, exited, undone, removed);
    }

    /**
     * Directories RemoveContainer moved out of the store and had not deleted when gantryd stopped;
     * their run directories are unclaimed and go with {@link #removeUnclaimed}.
     *
     * @return how many there were
     */
    private int deleteMovedOut() {
        Path dir = system.paths().removedRoot();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int count = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                try {
                    ContainerStore.deleteTree(entry);
                    count++;
                } catch (IOException e) {
                    log.error("cannot delete removed container directory {}: {}", entry, e.getMessage());
                }
            }
        } catch (IOException e) {
            log.warn("scanning {} for removed containers: {}", dir, e.getMessage());
        }
        return count;
    }

    /** A live record checked against runc: what runc says wins. */
    private Container refresh(Container c) {
        OciRuntime runtime = system.runtimes().get(c.runtimeHandler());
        Optional<RuncState> state = runtime == null ? Optional.empty() : runtime.state(c.id());
        Instant now = system.clock().instant();
        if (runtime != null && unmonitoredBeforeStart(c, state)) {
            log.info("container {} ({}) was being created by conmon + runc when gantryd stopped; creating it again",
                    c.id(), c.reservedName());
            try {
                manager.relaunch(c, runtime);
                return c;
            } catch (IOException | RuntimeException e) {
                log.warn("container {}: creating it again failed: {}", c.id(), e.getMessage());
            }
        }
        if (state.isPresent()) {
            switch (state.get().status()) {
                case "running", "paused" -> {
                    if (c.state() instanceof ContainerState.Created) {
                        // Started just before the crash, before the record said so.
                        return store.update(c.id(), x -> x.withState(new ContainerState.Running(state.get().created())));
                    }
                    return c;
                }
                case "created" -> {
                    return c;
                }
                default -> {
                    if (conmonAlive(c.id()) || Files.exists(system.paths().exitFile(c.id()))) {
                        return c; // the exit file is there or on its way: the watcher's rescan records it
                    }
                }
            }
        } else if (Files.exists(system.paths().exitFile(c.id()))) {
            return c;
        }
        log.warn("container {} ({}) ended while gantryd was down and left no exit status", c.id(), c.reservedName());
        return store.update(c.id(), x -> x.withState(ContainerStates.unknown(x, now,
                "the container's process ended while gantryd was down and left no exit status")));
    }

    /**
     * CREATED, but no conmon watches it and none has reported an exit, while its run directory
     * (and so its mounted rootfs) survived: gantryd died during the launch CreateContainer had
     * answered before. After a reboot the run directory is gone and the container is lost as before.
     */
    private boolean unmonitoredBeforeStart(Container c, Optional<RuncState> state) {
        return c.state() instanceof ContainerState.Created
                && (state.isEmpty() || state.get().status().equals("created"))
                && !conmonAlive(c.id())
                && !Files.exists(system.paths().exitFile(c.id()))
                && Files.isDirectory(system.paths().runDir(c.id()));
    }

    private void holdImage(Container c) {
        Optional<ImageRecord> image = system.images().find(c.imageId());
        if (image.isPresent()) {
            manager.adoptLease(c.id(), system.images().lease(image.get()));
        } else {
            log.warn("container {} ({}) uses image {}, which is no longer stored", c.id(), c.reservedName(), c.imageId());
        }
    }

    private boolean conmonAlive(String id) {
        try {
            long pid = Long.parseLong(Files.readString(system.paths().conmonPidFile(id)).strip());
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            return Files.exists(cmdline) && new String(Files.readAllBytes(cmdline)).contains(id);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    private void removeLeftovers(String id) {
        system.runtimes().values().forEach(r -> {
            try {
                r.delete(id);
            } catch (RuntimeException e) {
                log.warn("runc delete of leftover container {}: {}", id, e.getMessage());
            }
        });
        try {
            ContainerRemoval.unmount(system, id);
            ContainerStore.deleteTree(system.paths().runDir(id));
            Files.deleteIfExists(system.paths().exitFile(id));
            Files.deleteIfExists(system.paths().attach().resolve(id));
        } catch (IOException e) {
            log.warn("cleaning leftovers of container {}: {}", id, e.getMessage());
        }
    }

    /** Run directories and exit files of containers no record claims (a create cut before its record). */
    private void removeUnclaimed() {
        for (Path dir : List.of(system.paths().containersState(), system.paths().exits(), system.paths().attach())) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String id = entry.getFileName().toString();
                    if (Ids.isValid(id) && store.find(id).isEmpty()) {
                        log.info("removing leftovers of unknown container {}", id);
                        removeLeftovers(id);
                    }
                }
            } catch (IOException e) {
                log.warn("scanning {} for leftovers: {}", dir, e.getMessage());
            }
        }
    }
}
