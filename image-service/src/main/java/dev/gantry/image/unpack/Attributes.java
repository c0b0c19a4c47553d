package dev.gantry.image.unpack;

import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.fs.FileOps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner, mode, xattrs and times of what one layer creates, in the order the kernel needs:
 * chown (it clears setuid/setgid and file capabilities), then chmod, then xattrs, then times.
 * Directory times wait for {@link #finish}, since creating their children changes them.
 *
 * <p>Calls that would change nothing are skipped: a file created by root in a directory without
 * setgid is already root:root, and its permissions already equal the requested ones when the
 * umask took nothing away. Setgid directories are tracked because their children inherit the
 * group, and their subdirectories the bit.
 */
final class Attributes {

    private static final Logger log = LoggerFactory.getLogger(Attributes.class);
    private static final int IMPLICIT_DIRECTORY_MODE = 0755;

    private final int umask; // -1 when unknown: then every mode is set explicitly
    private final boolean rootProcess;
    private final Set<Path> setgidDirectories = new HashSet<>();
    private final Map<Path, Instant[]> directoryTimes = new LinkedHashMap<>();
    private int droppedXattrs;
    private int unsupportedXattrs;

    Attributes(Path root) throws IOException {
        this.umask = FileOps.umask().orElse(-1);
        this.rootProcess = FileOps.euid() == 0 && FileOps.egid() == 0;
        int rootMode = (Integer) Files.getAttribute(root, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((rootMode & FileOps.S_ISGID) != 0) {
            setgidDirectories.add(root);
        }
    }

    /**
     * A non-directory just created at {@code path}, with permission bits {@code createdPermissions}
     * before the umask ({@code -1} for a symlink, whose mode Linux ignores).
     */
    void created(Path path, TarEntry entry, int createdPermissions) throws IOException {
        if (needsChown(entry.uid(), entry.gid(), path)) {
            FileOps.lchown(path, entry.uid(), entry.gid());
        }
        if (createdPermissions >= 0 && needsChmod(entry.mode(), createdPermissions, false)) {
            FileOps.chmod(path, entry.mode());
        }
        xattrs(path, entry, createdPermissions < 0);
        FileOps.lsetTimes(path, entry.accessed(), entry.modified());
    }

    /** A directory entry at {@code dir}: just made with its permission bits, or already there (then everything is set). */
    void directory(Path dir, TarEntry entry, boolean created) throws IOException {
        boolean inherited = created && setgidDirectories.contains(dir.getParent());
        if (!created || needsChown(entry.uid(), entry.gid(), dir)) {
            FileOps.lchown(dir, entry.uid(), entry.gid());
        }
        if (!created || needsChmod(entry.mode(), entry.mode() & 0777, inherited)) {
            FileOps.chmod(dir, entry.mode());
        }
        if ((entry.mode() & FileOps.S_ISGID) != 0) {
            setgidDirectories.add(dir);
        } else {
            setgidDirectories.remove(dir);
        }
        xattrs(dir, entry, false);
        directoryTimes.put(dir, new Instant[] {entry.accessed(), entry.modified()});
    }

    /** A missing parent we made with mkdir(0755): it must be root:root 0755 whatever the umask and its parent. */
    void implicitDirectory(Path dir) throws IOException {
        boolean inherited = setgidDirectories.contains(dir.getParent());
        if (needsChown(0, 0, dir)) {
            FileOps.lchown(dir, 0, 0);
        }
        if (needsChmod(IMPLICIT_DIRECTORY_MODE, IMPLICIT_DIRECTORY_MODE, inherited)) {
            FileOps.chmod(dir, IMPLICIT_DIRECTORY_MODE);
        }
    }

    /** {@code dir} and everything under it were removed. */
    void forgetTree(Path dir) {
        setgidDirectories.removeIf(p -> p.startsWith(dir));
        directoryTimes.keySet().removeIf(p -> p.startsWith(dir));
    }

    /** Sets the directory times held back while their contents were written. */
    void finish(Path root) throws IOException {
        for (Map.Entry<Path, Instant[]> e : directoryTimes.entrySet()) {
            FileOps.lsetTimes(e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
        if (droppedXattrs > 0 || unsupportedXattrs > 0) {
            log.warn("layer in {}: dropped {} overlay xattrs from the archive, skipped {} the file system does not support",
                    root, droppedXattrs, unsupportedXattrs);
        }
    }

    private void xattrs(Path path, TarEntry entry, boolean symlink) throws IOException {
        for (Map.Entry<String, byte[]> x : entry.xattrs().entrySet()) {
            String name = x.getKey();
            // overlayfs reads these as whiteouts, opaque dirs and redirects: a layer must not forge them
            if (name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.")) {
                droppedXattrs++;
                continue;
            }
            try {
                FileOps.lsetxattr(path, name, x.getValue());
            } catch (ErrnoException e) {
                boolean unsupported = e.errno() == ErrnoException.EOPNOTSUPP
                        || (e.errno() == ErrnoException.EPERM && symlink && name.startsWith("user."));
                if (!unsupported) {
                    throw e;
                }
                unsupportedXattrs++;
                log.debug("skip xattr {} of {}: {}", name, path, e.getMessage());
            }
        }
    }

    private boolean needsChown(int uid, int gid, Path path) {
        return !(rootProcess && uid == 0 && gid == 0 && !setgidDirectories.contains(path.getParent()));
    }

    private boolean needsChmod(int wanted, int createdPermissions, boolean inheritedSetgid) {
        if (umask < 0) {
            return true;
        }
        int actual = (createdPermissions & ~umask) | (inheritedSetgid ? FileOps.S_ISGID : 0);
        return actual != (wanted & 07777);
    }
}
