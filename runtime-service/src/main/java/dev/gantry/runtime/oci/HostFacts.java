package dev.gantry.runtime.oci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Facts about this node and daemon that shape every spec. Tests build their own; the daemon
 * uses {@link #current(boolean)}.
 *
 * @param boundingCapabilities our bounding set: the most a container can get ("ALL", privileged)
 * @param rlimits what runc may set in the container (see {@link OciDefaults#rlimits(boolean, long)})
 * @param ownOomScoreAdj our own oom_score_adj: without CAP_SYS_RESOURCE runc cannot set a
 *     container's lower than this, so requests below it are raised to it
 * @param systemdCgroups whether cgroupsPath is in systemd's {@code slice:prefix:name} form
 * @param apparmorEnabled whether the kernel enforces AppArmor; without it profiles are not set
 * @param propagationOf the propagation of the host mount holding a host path
 * @param cgroupV2Only whether the node runs cgroup v2 alone: only then does a container get its
 *     own cgroup namespace (on v1 and hybrid nodes runc's cgroupns would hide the v1 controllers'
 *     paths that tools inside expect)
 */
public record HostFacts(
        List<String> boundingCapabilities,
        List<OciSpec.Rlimit> rlimits,
        int ownOomScoreAdj,
        boolean systemdCgroups,
        boolean apparmorEnabled,
        Function<Path, MountPropagation.Kind> propagationOf,
        boolean cgroupV2Only) {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    public HostFacts {
        boundingCapabilities = List.copyOf(boundingCapabilities);
        rlimits = List.copyOf(rlimits);
    }

    /** A node that is not cgroup v2 only (this project's hybrid test VM). */
    public HostFacts(
            List<String> boundingCapabilities,
            List<OciSpec.Rlimit> rlimits,
            int ownOomScoreAdj,
            boolean systemdCgroups,
            boolean apparmorEnabled,
            Function<Path, MountPropagation.Kind> propagationOf) {
        this(boundingCapabilities, rlimits, ownOomScoreAdj, systemdCgroups, apparmorEnabled, propagationOf, false);
    }

    /**
     * This process and node: bounding set and rlimits from /proc/self, oom_score_adj, AppArmor from
     * /sys/module/apparmor/parameters/enabled, cgroup v2 from /sys/fs/cgroup/cgroup.controllers.
     * Propagation is read from /proc/self/mountinfo at each call, as mounts come and go.
     */
    public static HostFacts current(boolean systemdCgroups) {
        return new HostFacts(
                Capabilities.currentBounding(),
                OciDefaults.rlimitsForThisProcess(),
                Integer.parseInt(read(Path.of("/proc/self/oom_score_adj")).strip()),
                systemdCgroups,
                apparmorEnabledOnNode(),
                HostFacts::propagationOfHostPath,
                Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")));
    }

    private static boolean apparmorEnabledOnNode() {
        Path enabled = Path.of("/sys/module/apparmor/parameters/enabled");
        return Files.exists(enabled) && read(enabled).strip().startsWith("Y");
    }

    /** The mount holding the path's real location: a symlinked host path is mounted where it points. */
    static MountPropagation.Kind propagationOfHostPath(Path hostPath) {
        Path real;
        try {
            real = hostPath.toRealPath();
        } catch (IOException e) {
            real = hostPath.toAbsolutePath().normalize();
        }
        try {
            return MountPropagation.of(real, Files.readAllLines(MOUNTINFO));
        } catch (IOException e) {
            throw new UncheckedIOException("read " + MOUNTINFO + " for the propagation of " + hostPath, e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("read " + file, e);
        }
    }
}
