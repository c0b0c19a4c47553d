package dev.gantry.runtime.container;

import dev.gantry.common.errors.GantryException;
import dev.gantry.common.fs.AtomicFile;
import dev.gantry.common.fs.Directories;
import dev.gantry.common.lifecycle.Rollback;
import dev.gantry.common.lifecycle.StepTimes;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.Signal;
import dev.gantry.image.gc.Leases;
import dev.gantry.image.oci.ImageConfig;
import dev.gantry.image.store.ImageRecord;
import dev.gantry.runtime.errors.ContainerImageNotFoundException;
import dev.gantry.runtime.errors.ContainerNotFoundException;
import dev.gantry.runtime.errors.ContainerSetupFailedException;
import dev.gantry.runtime.errors.ContainerWrongStateException;
import dev.gantry.runtime.errors.InvalidContainerConfigException;
import dev.gantry.runtime.monitor.ConmonCommand;
import dev.gantry.runtime.oci.OciRuntime;
import dev.gantry.runtime.oci.OciSpec;
import dev.gantry.runtime.oci.OciSpecJson;
import dev.gantry.runtime.oci.PidMode;
import dev.gantry.runtime.oci.PodFacts;
import dev.gantry.runtime.oci.StopSignals;
import dev.gantry.sandbox.NamespaceMode;
import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.PodSandboxNotReadyException;
import dev.gantry.sandbox.files.PodFiles;
import dev.gantry.sandbox.infra.InfraPid;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateContainer's steps, each with its undo:
 *
 * <pre>
 * check pod, image, log path, resources ─► record CREATING (name reserved) ─► lease the image
 *   ─► mount the overlay rootfs ─► build and write config.json ─► start conmon + runc create ─► record CREATED
 * </pre>
 *
 * A failure undoes every earlier step, newest first, and leaves nothing behind; a crash leaves a
 * CREATING record that recovery undoes the same way.
 *
 * <p>conmon + {@code runc create} (about 45 ms, nearly all of CreateContainer) runs on beyond the
 * call, as containerd defers the task to StartContainer: the container is recorded CREATED while
 * it runs, and whatever needs runc's container (start, stop, remove, update) waits for it first
 * (see {@link ContainerManager}). A client that does anything between the two calls (crictl
 * starting its next process) finds it done; its failure is StartContainer's.
 */
final class ContainerCreator {

    private static final Logger log = LoggerFactory.getLogger(ContainerCreator.class);
    private static final Path DEV_NULL = Path.of("/dev/null");
    /** Linux's longest file name and path, in bytes: conmon cannot open a log file past them. */
    private static final int NAME_MAX = 255;
    private static final int PATH_MAX = 4096;

    private final ContainerStore store;
    private final ContainerSystem system;
    private final Map<String, Leases.Lease> leases;
    private final Executor launches;

    /** @param launches runs each container's conmon + runc create */
    ContainerCreator(ContainerStore store, ContainerSystem system, Map<String, Leases.Lease> leases, Executor launches) {
        this.store = store;
        this.system = system;
        this.leases = leases;
        this.launches = launches;
    }

    /**
     * A container recorded CREATED, and its conmon + runc create, which may still run: it fails
     * with what conmon reported ({@link dev.gantry.runtime.monitor.ConmonLaunchException}).
     */
    record Creation(Container container, CompletableFuture<Void> launch) {}

    /** Checks everything that can be checked before anything is made; returns the image to use. */
    Prepared prepare(PodSandbox pod, ContainerConfig config) {
        if (!config.hasMetadata() || config.getMetadata().getName().isEmpty()) {
            throw new InvalidContainerConfigException("container config: metadata.name is required");
        }
        if (!pod.isReady()) {
            throw new PodSandboxNotReadyException(
                    "pod sandbox " + pod.id() + " is not ready: containers can only be created in a ready pod");
        }
        String spec = config.getImage().getImage();
        if (spec.isEmpty()) {
            throw new InvalidContainerConfigException("container config: image.image is required");
        }
        ImageRecord image = system.images().find(spec)
                .orElseThrow(() -> new ContainerImageNotFoundException("image " + spec + " not found: pull it first"));
        ImageConfig imageConfig = system.images().imageConfig(image);
        Optional<Path> logPath = logPath(pod.logDirectory(), config.getLogPath());
        int stopSignal = config.getStopSignal() == Signal.RUNTIME_DEFAULT || config.getStopSignal() == Signal.UNRECOGNIZED
                ? StopSignals.parse(imageConfig.stopSignal())
                : StopSignals.parse(config.getStopSignal().name());
        OciSpec.Resources checked = system.specs().resources(config.getLinux().getResources());
        return new Prepared(image, imageConfig, logPath, stopSignal, checked);
    }

    record Prepared(ImageRecord image, ImageConfig imageConfig, Optional<Path> logPath, int stopSignal, OciSpec.Resources resources) {}

    /** Runs the create steps for a new container id; the caller holds the pod's container lock. */
    Creation create(String id, PodSandbox pod, ContainerConfig config, PodSandboxConfig podConfig, Prepared prepared) {
        // The pod's sysctls come from its record (checked by RunPodSandbox), not the copy this request repeats.
        String reserved = Container.reservedName(config, podConfig.getMetadata());
        OciRuntime runtime = system.runtime(pod.runtimeHandler());
        PodFacts facts = withTarget(podFacts(pod), pod, config);
        String cgroupsPath = system.specs().cgroupsPath(facts, id);
        ImageRecord image = prepared.image();
        String imageRef = image.digestReferenceFor(
                List.of(config.getImage().getImage(), config.getImage().getUserSpecifiedImage()));
        Container record = new Container(id, pod.id(), reserved, config, config.getImage().getImage(), image.id().toString(),
                imageRef, system.clock().instant(), prepared.logPath().map(Path::toString).orElse(""), cgroupsPath,
                pod.runtimeHandler(), prepared.stopSignal(), config.getLinux().getResources(), 0, 0, List.of(), 0,
                new ContainerState.Creating(), false);
        Rollback rollback = new Rollback("create container " + id + " (" + reserved + ")");
        StepTimes times = new StepTimes();
        try {
            // Not synced: a power cut takes conmon and the mounts, and recovery deletes a directory
            // whose record it left torn. The CREATED record below is synced.
            store.createUntilNextUpdate(record);
            times.lap("record");
            rollback.push("remove container record", () -> store.remove(id));
            Leases.Lease lease = system.images().lease(image);
            leases.put(id, lease);
            rollback.push("release image " + image.id(), () -> leases.remove(id).close());
            times.lap("lease");

            ContainerPaths paths = system.paths();
            Directories.create(paths.runDir(id), "rwx------");
            rollback.push("remove " + paths.runDir(id), () -> ContainerStore.deleteTree(paths.runDir(id)));
            system.rootfs().mount(system.images().layers(image), paths.upper(id), paths.work(id), paths.rootfs(id));
            rollback.push("unmount rootfs", () -> system.rootfs().unmount(paths.rootfs(id)));
            times.lap("rootfs");

            ContainerConfig specConfig = ImageVolumes.mount(config, paths, id, system.images(), system.rootfs(), lease, rollback);
            OciSpec spec = system.specs().build(id, specConfig, prepared.imageConfig(), facts, paths.rootfs(id),
                    system.features(pod.runtimeHandler()));
            AtomicFile.replace(paths.bundle(id).resolve("config.json"), OciSpecJson.write(spec).getBytes(StandardCharsets.UTF_8));
            if (prepared.logPath().isPresent()) {
                Files.createDirectories(prepared.logPath().get().getParent());
            }
            times.lap("spec");

            rollback.push("runc delete " + id, () -> runtime.delete(id));
            // conmon links <state>/attach/<id> to the bundle before runc create, and leaves it when create fails.
            rollback.push("remove attach link", () -> Files.deleteIfExists(paths.attach().resolve(id)));
            rollback.push("remove exit file", () -> Files.deleteIfExists(paths.exitFile(id)));
            CompletableFuture<Void> launch = launch(id, config, runtime, prepared.logPath());
            // Undone first: runc delete must not race a runc create still running.
            rollback.push("wait for conmon", () -> launch.handle((done, failed) -> null).join());
            times.lap("conmon started");

            // The pid is recorded by StartContainer: conmon may not have reported it yet.
            OciSpec.User user = spec.process().user();
            Container created = store.update(id, c -> new Container(c.id(), c.podId(), c.reservedName(), c.config(), c.image(),
                    c.imageId(), c.imageRef(), c.createdAt(), c.logPath(), c.cgroupsPath(), c.runtimeHandler(), c.stopSignal(),
                    c.resources(), user.uid(), user.gid(), user.additionalGids(), 0, new ContainerState.Created(), false));
            rollback.clear();
            times.lap("record");
            log.debug("{}: {}", rollback.operation(), times);
            return new Creation(created, launch);
        } catch (Throwable e) {
            // Any throwable: an Error (OutOfMemoryError, StackOverflowError) skipping this would leak
            // the mount, the Creating record, the name and the image lease. It is rethrown as it is.
            List<String> left = rollback.undo(e);
            if (!left.isEmpty()) {
                log.error("{} failed and could not be fully undone: {}", rollback.operation(), left);
            }
            if (e instanceof Error error) {
                throw error;
            }
            if (e instanceof GantryException g) {
                throw g;
            }
            throw new ContainerSetupFailedException(rollback.operation() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Starts conmon + runc create of container {@code id}, whose bundle and rootfs are ready, on the
     * launch executor; the future fails with what conmon reported.
     */
    CompletableFuture<Void> launch(String id, ContainerConfig config, OciRuntime runtime, Optional<Path> logPath) {
        ConmonCommand command = conmonCommand(id, config, runtime, logPath);
        Instant deadline = system.clock().instant().plus(system.createTimeout());
        return CompletableFuture.runAsync(() -> {
            long began = System.nanoTime();
            system.monitor().launch(command, deadline);
            log.debug("create container {}: conmon + runc create {} ms", id, String.format("%.1f", (System.nanoTime() - began) / 1e6));
        }, launches);
    }

    private ConmonCommand conmonCommand(String id, ContainerConfig config, OciRuntime runtime, Optional<Path> logPath) {
        ContainerPaths paths = system.paths();
        return new ConmonCommand(system.conmon(), id, config.getMetadata().getName(), paths.bundle(id), runtime.binary(),
                runtime.root(), paths.pidFile(id), paths.conmonPidFile(id), logPath.orElse(DEV_NULL),
                paths.exits(), paths.attach(), config.getTty(), config.getStdin(), config.getStdinOnce(),
                OptionalLong.empty());
    }

    /**
     * The container's log file: {@code log_path} under the pod's log directory. Both empty means no
     * log (empty). A path that is absolute or climbs out of the directory is refused: conmon would
     * write wherever it points.
     */
    static Optional<Path> logPath(String logDirectory, String logPath) {
        if (logPath.isEmpty()) {
            return Optional.empty();
        }
        if (logDirectory.isEmpty()) {
            throw new InvalidContainerConfigException("container log_path " + logPath + " given but the pod sandbox has no log_directory");
        }
        for (String part : logPath.split("/")) {
            if (part.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
                throw new InvalidContainerConfigException("container log_path " + shown(logPath)
                        + " has a name longer than " + NAME_MAX + " bytes, which no file system takes");
            }
        }
        if ((logDirectory + "/" + logPath).getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
            throw new InvalidContainerConfigException("container log_path " + shown(logPath)
                    + " under log_directory " + shown(logDirectory) + " is " + PATH_MAX + " bytes or longer (PATH_MAX)");
        }
        Path dir = Path.of(logDirectory).normalize();
        Path relative = Path.of(logPath);
        Path resolved = dir.resolve(relative).normalize();
        if (relative.isAbsolute() || !resolved.startsWith(dir) || resolved.equals(dir)) {
            throw new InvalidContainerConfigException("container log_path " + logPath + " must be a relative path inside the pod's log directory " + logDirectory);
        }
        return Optional.of(resolved);
    }

    /** {@code value}, cut after 80 characters so a message stays readable. */
    private static String shown(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "…";
    }

    /**
     * An ephemeral debug container (pid mode TARGET) joins the PID namespace of another container
     * of the same pod, which must be running: it is found here, by id or unique prefix.
     */
    private PodFacts withTarget(PodFacts facts, PodSandbox pod, ContainerConfig config) {
        var options = config.getLinux().getSecurityContext().getNamespaceOptions();
        if (options.getPid() != dev.gantry.cri.v1.NamespaceMode.TARGET) {
            return facts;
        }
        String targetId = options.getTargetId();
        Container target;
        try {
            target = store.get(targetId);
        } catch (GantryException e) {
            throw new ContainerNotFoundException("namespace_options target_id: container " + targetId + " not found");
        }
        if (!target.podId().equals(pod.id()) || !(target.state() instanceof ContainerState.Running) || target.pid() <= 0) {
            throw new ContainerWrongStateException("namespace_options target_id: container " + targetId
                    + " must be a running container of pod " + pod.id());
        }
        return facts.withTargetPid(target.pid());
    }

    static PodFacts podFacts(PodSandbox pod) {
        Map<String, String> ns = pod.paths().namespacePaths();
        PidMode pid = switch (pod.namespaces().pid()) {
            case POD -> PidMode.POD;
            case NODE -> PidMode.NODE;
            default -> PidMode.CONTAINER;
        };
        Path podDir = Path.of(pod.paths().podDirectory());
        String shm = pod.paths().shmPath();
        return new PodFacts(pod.id(), pod.cgroupParent(),
                pod.network().hostNetwork() ? null : ns.get("net"),
                pod.namespaces().ipc() == NamespaceMode.NODE ? null : ns.get("ipc"),
                pod.network().hostNetwork() ? null : ns.get("uts"),
                pid, pod.infra().map(InfraPid::pid).orElse(0L), pod.hostname(),
                podDir.resolve(PodFiles.HOSTNAME), podDir.resolve(PodFiles.HOSTS), podDir.resolve(PodFiles.RESOLV_CONF),
                shm.isEmpty() ? null : Path.of(shm), pod.sysctls());
    }
}
