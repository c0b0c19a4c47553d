package dev.gantry.runtime.oci;

import static dev.gantry.runtime.oci.SpecErrors.invalid;

import dev.gantry.linux.fs.FileOps;
import dev.gantry.runtime.errors.ContainerSetupFailedException;
import dev.gantry.runtime.oci.OciSpec.Device;
import dev.gantry.runtime.oci.OciSpec.DeviceRule;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Host device nodes a container gets, and the device cgroup rules that let it use them. */
final class SpecDevices {

    /** Directories under /dev that hold no devices of the node's own (runc's list). */
    private static final Set<String> SKIPPED_DIRS = Set.of("pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev");

    private SpecDevices() {}

    /** One requested device: its node as the container sees it, and the rule allowing it. */
    record Granted(Device device, DeviceRule rule) {}

    /**
     * The node at {@code hostPath} (symlinks followed, as /dev/disk/by-id names are links), placed
     * at {@code containerPath} with the host node's mode and owner.
     */
    static Granted grant(String containerPath, String hostPath, String permissions) {
        if (!containerPath.startsWith("/")) {
            throw invalid("device container_path \"" + containerPath + "\" is not an absolute path");
        }
        String access = permissions.isEmpty() ? "rwm" : permissions;
        if (!access.chars().allMatch(c -> c == 'r' || c == 'w' || c == 'm')) {
            throw invalid("device " + hostPath + ": permissions \"" + permissions + "\" may hold only r, w and m");
        }
        Device device = node(Path.of(hostPath), containerPath)
                .orElseThrow(() -> invalid("device host_path " + hostPath + " is not a character or block device"));
        return new Granted(device, new DeviceRule(true, device.type(), device.major(), device.minor(), access));
    }

    /** Every device node under {@code devRoot} (the node's /dev for a privileged container), at the same path. */
    static List<Device> all(Path devRoot) {
        List<Device> devices = new ArrayList<>();
        try {
            Files.walkFileTree(devRoot, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.equals(devRoot) || !SKIPPED_DIRS.contains(dir.getFileName().toString())
                            ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    // the console is the node's; runc gives a terminal container its own
                    if (attrs.isOther() && !file.getFileName().toString().equals("console")) {
                        String inside = "/dev/" + devRoot.relativize(file);
                        node(file, inside).ifPresent(devices::add);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // a node that vanished while we walked
                }
            });
        } catch (IOException e) {
            throw new ContainerSetupFailedException("list the devices under " + devRoot + ": " + e, e);
        }
        return devices;
    }

    private static Optional<Device> node(Path hostPath, String containerPath) {
        Map<String, Object> attrs;
        try {
            attrs = Files.readAttributes(hostPath, "unix:mode,rdev,uid,gid");
        } catch (NoSuchFileException e) {
            throw invalid("device host_path " + hostPath + " does not exist");
        } catch (IOException e) {
            throw new ContainerSetupFailedException("stat device " + hostPath + ": " + e, e);
        }
        int mode = (Integer) attr(attrs, "mode");
        String type = switch (mode & FileOps.S_IFMT) {
            case FileOps.S_IFCHR -> "c";
            case FileOps.S_IFBLK -> "b";
            default -> null;
        };
        if (type == null) {
            return Optional.empty();
        }
        long rdev = (Long) attr(attrs, "rdev");
        return Optional.of(new Device(containerPath, type, FileOps.major(rdev), FileOps.minor(rdev),
                mode & 0777, ((Integer) attr(attrs, "uid")).longValue(), ((Integer) attr(attrs, "gid")).longValue()));
    }

    /** One of the unix: attributes asked for by name; readAttributes returns each one asked for. */
    private static Object attr(Map<String, Object> attrs, String name) {
        return Objects.requireNonNull(attrs.get(name), name);
    }
}
