package dev.gantry.runtime.container;

import dev.gantry.linux.fs.NativeArgs;
import dev.gantry.linux.mount.LinuxMounter;
import dev.gantry.linux.mount.Mounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A container's root file system: an overlay of the image's snapshot directories (read-only,
 * shared by every container of the image) under the container's own upper and work dirs.
 *
 * <pre>
 *   target (merged)      what the container sees
 *     upperdir           the container's writes, whiteouts for its deletions
 *     lowerdir=Ln:...:L1 the image's layers; overlay lists the topmost first
 * </pre>
 *
 * <p>The whole option string travels as mount(2) data, which the kernel copies into one page: past
 * 4095 bytes the mount fails. With Gantry's snapshot paths (about 90 bytes each) that is some 40
 * layers. We refuse such an image with a clear message instead of shortening paths through
 * symlinks: no image that Kubernetes users run in practice comes near it, and symlink farms are
 * one more thing to create, recover and remove.
 *
 * <p>A zero-layer image (an empty rootfs) still needs a lowerdir: an empty directory
 * {@code empty-lower} next to {@code upper} serves.
 */
public final class ContainerRootfs {

    /** One page, the NUL included. */
    static final int MAX_OPTIONS = 4095;
    static final String EMPTY_LOWER = "empty-lower";

    private final Mounter mounter;

    /** @param mounter makes the mount(2) calls ({@link LinuxMounter}; a fake in unit tests) */
    public ContainerRootfs(Mounter mounter) {
        this.mounter = Objects.requireNonNull(mounter, "mounter");
    }

    /**
     * Mounts the overlay on {@code target}, creating {@code upper}, {@code work} and {@code target}
     * if missing. Upper and work must be on the same file system.
     *
     * @param lowerLowestFirst the image's layer directories, base layer first (the order of the image manifest)
     * @throws IOException if a path cannot be used in overlay options, the options are too long, or mount(2) fails
     */
    public void mount(List<Path> lowerLowestFirst, Path upper, Path work, Path target) throws IOException {
        Files.createDirectories(upper);
        Files.createDirectories(work);
        Files.createDirectories(target);
        List<Path> lower = new ArrayList<>(lowerLowestFirst);
        if (lower.isEmpty()) {
            Path empty = upper.resolveSibling(EMPTY_LOWER);
            Files.createDirectories(empty);
            lower.add(empty);
        }
        String options = options(lower, upper, work);
        mounter.mount("overlay", target, "overlay", options);
    }

    /**
     * A read-only overlay of {@code lowerLowestFirst} on {@code target}: no upper layer, so nothing
     * can be written. Overlay wants two lower dirs at least without an upper one; a one-layer image
     * gets an empty dir beside the target as its second.
     */
    public void mountReadOnly(List<Path> lowerLowestFirst, Path target) throws IOException {
        Files.createDirectories(target);
        List<Path> lower = new ArrayList<>(lowerLowestFirst);
        if (lower.size() < 2) {
            Path empty = target.resolveSibling(target.getFileName() + "-" + EMPTY_LOWER);
            Files.createDirectories(empty);
            lower.addFirst(empty);
        }
        List<String> dirs = new ArrayList<>();
        for (Path p : lower.reversed()) {
            dirs.add(checked(p));
        }
        String options = "lowerdir=" + String.join(":", dirs);
        if (options.getBytes(NativeArgs.fileNames()).length > MAX_OPTIONS) {
            throw new IOException("read-only overlay for " + lower.size() + " layers needs more mount options than the kernel's limit of "
                    + MAX_OPTIONS + " bytes (one page)");
        }
        mounter.mount("overlay", target, "overlay", options);
    }

    /** The overlay mount data, lower layers reversed to topmost first. */
    static String options(List<Path> lowerLowestFirst, Path upper, Path work) throws IOException {
        List<String> lower = new ArrayList<>();
        for (Path p : lowerLowestFirst.reversed()) {
            lower.add(checked(p));
        }
        String options = "lowerdir=" + String.join(":", lower) + ",upperdir=" + checked(upper) + ",workdir=" + checked(work);
        int length = options.getBytes(NativeArgs.fileNames()).length;
        if (length > MAX_OPTIONS) {
            throw new IOException("overlay for " + lower.size() + " layers needs " + length
                    + " bytes of mount options, more than the kernel's limit of " + MAX_OPTIONS + " (one page)");
        }
        return options;
    }

    /** Overlay splits its options at ',' and lowerdir at ':', and treats '\' as an escape: paths with them are refused. */
    private static String checked(Path path) throws IOException {
        String s = path.toAbsolutePath().toString();
        if (s.indexOf(',') >= 0 || s.indexOf(':') >= 0 || s.indexOf('\\') >= 0) {
            throw new IOException("overlay cannot use " + s + ": a path with ',', ':' or '\\' is not allowed in overlay options");
        }
        return s;
    }

    /**
     * Unmounts {@code target}, every mount stacked on it included. Not mounted or missing is already
     * done (removal is retried by the kubelet); a mount still busy (a process has its cwd in it) is
     * detached lazily, so the kernel frees it when the last user goes.
     */
    public void unmount(Path target) throws IOException {
        mounter.unmountOrDetach(target);
    }

    public boolean isMounted(Path target) throws IOException {
        return mounter.isMountPoint(target);
    }
}
