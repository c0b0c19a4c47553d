package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecErrors.invalid;

import dev.gantry.common.errors.Failures;
import dev.gantry.common.fs.RootPath;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.runtime.errors.ContainerSetupFailedException;
import dev.gantry.runtime.oci.OciSpec.Mount;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A container's mounts: the defaults every container gets, the pod's files (/etc/hostname,
 * /etc/hosts, /etc/resolv.conf, /dev/shm), and the config's host paths. A config mount at a
 * destination replaces whatever we would have put there. The list is ordered parents first, as
 * runc mounts in list order and a child mounted before its parent would be hidden by it.
 */
final class SpecMounts {

    static final Path HOST_SHM = Path.of("/dev/shm");

    /** The mounts, and the rootfs propagation their propagation modes need (null: runc's default). */
    record Result(List<Mount> mounts, @Nullable String rootfsPropagation) {}

    private SpecMounts() {}

    /**
     * @param runtime what the pod's runtime handler supports: a recursive read-only mount needs
     *     {@link RuncFeatures#recursiveReadOnlyMounts()}
     */
    static Result of(ContainerConfig config, PodFacts pod, boolean privileged, boolean readonlyRootfs,
            Function<Path, MountPropagation.Kind> propagationOf, RuncFeatures runtime) {
        List<Mount> requested = new ArrayList<>();
        boolean slave = false;
        boolean shared = false;
        for (dev.gantry.cri.v1.Mount mount : config.getMountsList()) {
            requested.add(bind(mount, propagationOf, runtime));
            switch (mount.getPropagation()) {
                case PROPAGATION_HOST_TO_CONTAINER -> slave = true;
                case PROPAGATION_BIDIRECTIONAL -> shared = true;
                default -> { }
            }
        }
        Set<String> taken = new HashSet<>();
        for (Mount mount : requested) {
            if (!taken.add(mount.destination())) {
                throw invalid("mounts: container_path " + mount.destination() + " is given more than once");
            }
        }
        List<Mount> all = new ArrayList<>();
        for (Mount mount : OciDefaults.mounts(privileged)) {
            if (!taken.contains(mount.destination())) {
                all.add(mount);
            }
        }
        String podFileMode = readonlyRootfs ? "ro" : "rw";
        addPodFile(all, taken, "/etc/hostname", pod.hostnameFile(), podFileMode);
        addPodFile(all, taken, "/etc/hosts", pod.hostsFile(), podFileMode);
        addPodFile(all, taken, "/etc/resolv.conf", pod.resolvConfFile(), podFileMode);
        addPodFile(all, taken, "/dev/shm", pod.shmPath() == null ? HOST_SHM : pod.shmPath(), "rw");
        all.addAll(requested);
        all.sort(Comparator.comparingInt(m -> depth(m.destination())));
        return new Result(all, shared ? "rshared" : slave ? "rslave" : null);
    }

    private static void addPodFile(List<Mount> mounts, Set<String> taken, String destination, @Nullable Path source, String mode) {
        if (source != null && !taken.contains(destination)) {
            mounts.add(new Mount(destination, "bind", source.toString(), List.of("rbind", "rprivate", mode)));
        }
    }

    private static Mount bind(dev.gantry.cri.v1.Mount mount, Function<Path, MountPropagation.Kind> propagationOf,
            RuncFeatures runtime) {
        String destination = mount.getContainerPath();
        if (!destination.startsWith("/") || List.of(destination.split("/")).contains("..")) {
            throw invalid("mount container_path \"" + destination + "\" is not an absolute path without \"..\"");
        }
        destination = "/" + RootPath.clean(destination);
        if (destination.equals("/")) {
            throw invalid("mount container_path \"/\": a mount cannot replace the container's root");
        }
        if (mount.hasImage() && !mount.getImage().getImage().isEmpty()) {
            // The container manager mounts image volumes and hands us binds of them (ImageVolumes).
            throw invalid("mount at container_path " + destination + ": image volumes must be mounted before the spec is built");
        }
        if (mount.getUidMappingsCount() > 0 || mount.getGidMappingsCount() > 0) {
            throw invalid("mount at container_path " + destination + ": idmapped mounts are not supported");
        }
        if (mount.getRecursiveReadOnly()) {
            checkRecursiveReadOnly(mount, destination, runtime);
        }
        String hostPath = mount.getHostPath();
        if (!hostPath.startsWith("/")) {
            throw invalid("mount at container_path " + destination + ": host_path \"" + hostPath + "\" is not an absolute path");
        }
        Path source = Path.of(hostPath).normalize();
        if (!Files.exists(source)) {
            // As the kubelet's hostPath volumes and containerd expect: a missing source becomes a directory.
            try {
                Files.createDirectories(source);
            } catch (FileSystemException e) {
                // A parent that is a file, a read-only or pseudo file system, a name too long: the request's path.
                String reason = e.getReason() != null ? e.getReason().toLowerCase(Locale.ROOT)
                        : Failures.describe(e);
                throw invalid("mount at container_path " + destination + ": host_path " + source
                        + " does not exist and cannot be created: " + reason);
            } catch (IOException e) {
                throw new ContainerSetupFailedException("mount at container_path " + destination
                        + ": create missing host_path " + source + ": " + Failures.describe(e), e);
            }
        }
        String propagation = switch (mount.getPropagation()) {
            case PROPAGATION_HOST_TO_CONTAINER -> {
                if (propagationOf.apply(source) == MountPropagation.Kind.PRIVATE) {
                    throw invalid("mount at container_path " + destination + " asks for HostToContainer propagation but host_path "
                            + source + " is not on a shared or slave mount");
                }
                yield "rslave";
            }
            case PROPAGATION_BIDIRECTIONAL -> {
                if (propagationOf.apply(source) != MountPropagation.Kind.SHARED) {
                    throw invalid("mount at container_path " + destination + " asks for Bidirectional propagation but host_path "
                            + source + " is not on a shared mount");
                }
                yield "rshared";
            }
            default -> "rprivate";
        };
        // "ro" makes the bind itself read-only; "rro" has runc make every mount under it read-only
        // too, with mount_setattr(AT_RECURSIVE, MOUNT_ATTR_RDONLY), after the bind.
        List<String> options = mount.getRecursiveReadOnly()
                ? List.of("rbind", propagation, "ro", "rro")
                : List.of("rbind", propagation, mount.getReadonly() ? "ro" : "rw");
        return new Mount(destination, "bind", source.toString(), options);
    }

    /**
     * As the CRI asks (and containerd and CRI-O check): a recursive read-only mount is read-only,
     * private (a submount propagated in later would not be made read-only), and needs a runtime
     * that can make it so. Checked before the host path is looked at, so the message names the
     * real problem.
     */
    private static void checkRecursiveReadOnly(dev.gantry.cri.v1.Mount mount, String destination, RuncFeatures runtime) {
        String at = "mount at container_path " + destination + ": recursive_read_only ";
        if (!mount.getReadonly()) {
            throw invalid(at + "needs readonly to be true as well");
        }
        if (mount.getPropagation() != dev.gantry.cri.v1.MountPropagation.PROPAGATION_PRIVATE) {
            throw invalid(at + "needs propagation PROPAGATION_PRIVATE, got " + mount.getPropagation());
        }
        if (!runtime.recursiveReadOnlyMounts()) {
            throw invalid(at + "is not supported by the pod's runtime handler (its runtime does not list the rro mount"
                    + " option in `runc features`, or the kernel is older than 5.12)");
        }
    }

    private static int depth(String destination) {
        return RootPath.clean(destination).split("/").length;
    }
}
