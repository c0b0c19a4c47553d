package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecErrors.invalid;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.fs.RootPath;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.runtime.oci.OciSpec.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A container's mounts: the defaults every container gets, the pod's files (/etc/hostname,
 * /etc/hosts, /etc/resolv.conf, /dev/shm), and the config's host paths. A config mount at a
 * destination replaces whatever we would have put there. The list is ordered parents first, as
 * runc mounts in list order and a child mounted before its parent would be hidden by it.
 */
final class SpecMounts {

    static final Path HOST_SHM = Path.of("/dev/shm");

    /** The mounts, and the rootfs propagation their propagation modes need (null: runc's default). */
    record Result(List<Mount> mounts, String rootfsPropagation) {}

    private SpecMounts() {}

    static Result of(ContainerConfig config, PodFacts pod, boolean privileged, boolean readonlyRootfs,
            Function<Path, MountPropagation.Kind> propagationOf) {
        List<Mount> requested = new ArrayList<>();
        boolean slave = false;
        boolean shared = false;
        for (dev.gantry.cri.v1.Mount mount : config.getMountsList()) {
            requested.add(bind(mount, propagationOf));
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

    private static void addPodFile(List<Mount> mounts, Set<String> taken, String destination, Path source, String mode) {
        if (source != null && !taken.contains(destination)) {
            mounts.add(new Mount(destination, "bind", source.toString(), List.of("rbind", "rprivate", mode)));
        }
    }

    private static Mount bind(dev.gantry.cri.v1.Mount mount, Function<Path, MountPropagation.Kind> propagationOf) {
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
            throw invalid("mount at container_path " + destination + ": recursive read-only mounts are not supported");
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
            } catch (IOException e) {
                throw new GantryException(ErrorKind.INTERNAL, "mount at container_path " + destination
                        + ": create missing host_path " + source + ": " + e, e);
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
        return new Mount(destination, "bind", source.toString(),
                List.of("rbind", propagation, mount.getReadonly() ? "ro" : "rw"));
    }

    private static int depth(String destination) {
        return RootPath.clean(destination).split("/").length;
    }
}
