package dev.gantry.linux.fs;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * File calls the JDK cannot make without following symbolic links or losing bits: extended
 * attributes, device nodes, owners, setuid/setgid/sticky modes, symlink times, exact symlink
 * targets, statvfs. Every failure is an {@link ErrnoException} naming the call, the path and the
 * reason. 64-bit Linux with glibc 2.33 or later only.
 */
public final class FileOps {

    public static final int S_IFMT = 0170000;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFREG = 0100000;
    public static final int S_ISUID = 04000;
    public static final int S_ISGID = 02000;
    public static final int S_ISVTX = 01000;

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int XATTR_BUFFER = 256;

    /** java.nio encodes file names with this charset; we must address the same bytes. */
    private FileOps() {}

    /** Sets extended attribute {@code name} on {@code path} itself, never on a symlink's target. */
    public static void lsetxattr(Path path, String name, byte[] value) throws IOException {
        byte[] p = NativeArgs.path(path);
        try {
            Libc.lsetxattr(p, NativeArgs.string(name), value, value.length, 0);
        } catch (LastErrorException e) {
            throw failure("lsetxattr " + name, path, e);
        }
    }

    /** The value of extended attribute {@code name} of {@code path} itself, or empty when it has none. */
    public static Optional<byte[]> lgetxattr(Path path, String name) throws IOException {
        byte[] p = NativeArgs.path(path);
        byte[] n = NativeArgs.string(name);
        byte[] buffer = new byte[XATTR_BUFFER];
        while (true) {
            try {
                long size = Libc.lgetxattr(p, n, buffer, buffer.length);
                return Optional.of(Arrays.copyOf(buffer, (int) size));
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ErrnoException.ENODATA) {
                    return Optional.empty();
                }
                if (e.getErrorCode() != ErrnoException.ERANGE) {
                    throw failure("lgetxattr " + name, path, e);
                }
            }
            // The value grew past our buffer: ask its size and retry (it may change again meanwhile).
            try {
                buffer = new byte[(int) Libc.lgetxattr(p, n, null, 0)];
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ErrnoException.ENODATA) {
                    return Optional.empty();
                }
                throw failure("lgetxattr " + name, path, e);
            }
        }
    }

    /** The names of the extended attributes of {@code path} itself, in the order the file system lists them. */
    public static List<String> llistxattr(Path path) throws IOException {
        byte[] p = NativeArgs.path(path);
        byte[] buffer = new byte[XATTR_BUFFER];
        long size;
        while (true) {
            try {
                size = Libc.llistxattr(p, buffer, buffer.length);
                break;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != ErrnoException.ERANGE) {
                    throw failure("llistxattr", path, e);
                }
            }
            try {
                buffer = new byte[(int) Libc.llistxattr(p, null, 0)];
            } catch (LastErrorException e) {
                throw failure("llistxattr", path, e);
            }
        }
        List<String> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < size; i++) {
            if (buffer[i] == 0) {
                names.add(new String(buffer, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return names;
    }

    /**
     * Creates a device node, fifo or empty regular file. {@code mode} carries the type
     * ({@link #S_IFCHR}, {@link #S_IFBLK}, {@link #S_IFIFO}, {@link #S_IFREG}) and the permission
     * bits, which the process umask narrows as for any create.
     */
    public static void mknod(Path path, int mode, long major, long minor) throws IOException {
        byte[] p = NativeArgs.path(path);
        try {
            Libc.mknod(p, mode, makedev(major, minor));
        } catch (LastErrorException e) {
            throw failure("mknod", path, e);
        }
    }

    /** Creates one directory with {@code mode} narrowed by the umask; fails if anything exists there. */
    public static void mkdir(Path path, int mode) throws IOException {
        byte[] p = NativeArgs.path(path);
        try {
            Libc.mkdir(p, mode);
        } catch (LastErrorException e) {
            throw failure("mkdir", path, e);
        }
    }

    /** Creates symlink {@code link} holding exactly {@code target} (java.nio would normalise it as a Path). */
    public static void symlink(String target, Path link) throws IOException {
        byte[] l = NativeArgs.path(link);
        try {
            Libc.symlink(NativeArgs.path(target), l);
        } catch (LastErrorException e) {
            throw failure("symlink " + target, link, e);
        }
    }

    /** Sets the owner of {@code path} itself, never of a symlink's target. Clears setuid/setgid bits and file capabilities. */
    public static void lchown(Path path, int uid, int gid) throws IOException {
        byte[] p = NativeArgs.path(path);
        try {
            Libc.lchown(p, uid, gid);
        } catch (LastErrorException e) {
            throw failure("lchown " + Integer.toUnsignedString(uid) + ":" + Integer.toUnsignedString(gid), path, e);
        }
    }

    /**
     * Sets all twelve mode bits, setuid/setgid/sticky included (java.nio can set only nine).
     * Follows a symlink at {@code path}, as Linux cannot change a symlink's mode: callers pass
     * paths they know are not symlinks.
     */
    public static void chmod(Path path, int mode) throws IOException {
        byte[] p = NativeArgs.path(path);
        try {
            Libc.chmod(p, mode & 07777);
        } catch (LastErrorException e) {
            throw failure("chmod " + Integer.toOctalString(mode & 07777), path, e);
        }
    }

    /** Sets access and modification times of {@code path} itself, a symlink included, to the nanosecond. */
    public static void lsetTimes(Path path, Instant accessTime, Instant modifyTime) throws IOException {
        byte[] p = NativeArgs.path(path);
        long[] times = {accessTime.getEpochSecond(), accessTime.getNano(), modifyTime.getEpochSecond(), modifyTime.getNano()};
        try {
            Libc.utimensat(AT_FDCWD, p, times, AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw failure("utimensat", path, e);
        }
    }

    /** Sizes and inode counts of the file system holding {@code path}. */
    public static FsStats statvfs(Path path) throws IOException {
        byte[] p = NativeArgs.path(path);
        long[] buf = new long[16]; // struct statvfs is 112 bytes; room to spare
        try {
            Libc.statvfs(p, buf);
        } catch (LastErrorException e) {
            throw failure("statvfs", path, e);
        }
        long fragmentSize = buf[1];
        return new FsStats(buf[2] * fragmentSize, buf[3] * fragmentSize, buf[4] * fragmentSize, buf[5], buf[6]);
    }

    /**
     * Flushes the whole filesystem holding {@code path} to disk (syncfs(2)): one call makes every file
     * written there durable, where an fsync per file of an unpacked layer would cost thousands.
     */
    public static void syncfs(Path path) throws IOException {
        int fd = openReadOnly(path);
        try {
            Libc.syncfs(fd);
        } catch (LastErrorException e) {
            throw failure("syncfs", path, e);
        } finally {
            closeQuietly(fd);
        }
    }

    /** A read-only, close-on-exec descriptor of {@code path} (a directory or a namespace file); close it with {@link #closeQuietly}. */
    public static int openReadOnly(Path path) throws IOException {
        try {
            return Libc.open(NativeArgs.path(path), O_RDONLY | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw failure("open", path, e);
        }
    }

    /**
     * A read-only, close-on-exec descriptor of the directory {@code path} itself: a symbolic link
     * there is refused (ELOOP), not followed, and so is anything but a directory (ENOTDIR).
     */
    public static int openDirectoryNoFollow(Path path) throws IOException {
        try {
            return Libc.open(NativeArgs.path(path), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw failure("open", path, e);
        }
    }

    /** Closes a descriptor opened read-only: nothing was written through it, so a failed close loses nothing. */
    public static void closeQuietly(int fd) {
        try {
            Libc.close(fd);
        } catch (LastErrorException ignored) {
            // the descriptor is gone either way
        }
    }

    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_NOFOLLOW = 0400000;
    private static final int O_CLOEXEC = 02000000;

    public static int euid() {
        return Libc.geteuid();
    }

    public static int egid() {
        return Libc.getegid();
    }

    /**
     * The process umask, read from /proc (reading it through umask(2) would change it for every
     * thread for a moment). Empty when the kernel does not report it.
     */
    public static OptionalInt umask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Umask:")) {
                    return OptionalInt.of(Integer.parseInt(line.substring("Umask:".length()).trim(), 8));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc or an old kernel: the caller must assume nothing
        }
        return OptionalInt.empty();
    }

    /** glibc's dev_t encoding: 12+20 bits of major and 8+24 bits of minor, interleaved. */
    public static long makedev(long major, long minor) {
        return ((major & 0x00000fffL) << 8)
                | ((major & 0xfffff000L) << 32)
                | (minor & 0x000000ffL)
                | ((minor & 0xffffff00L) << 12);
    }

    public static long major(long dev) {
        return ((dev >>> 8) & 0x00000fffL) | ((dev >>> 32) & 0xfffff000L);
    }

    public static long minor(long dev) {
        return (dev & 0x000000ffL) | ((dev >>> 12) & 0xffffff00L);
    }

    private static ErrnoException failure(String call, Path path, LastErrorException e) {
        return ErrnoException.of(call, path.toString(), e);
    }

}
