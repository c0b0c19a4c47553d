package dev.gantry.linux.fs;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Marks a directory as the top of unrelated directory trees for ext2/3/4's block allocator (the
 * inode flag {@code FS_TOPDIR_FL}, {@code chattr +T}): each subdirectory made in it afterwards goes
 * to a block group with few directories, as the allocator does for the children of {@code /},
 * instead of next to its siblings, and the files made in that subdirectory follow it.
 *
 * <p>Gantry makes and deletes a directory per pod and per container, each with a few files. On
 * ext4 without a journal the allocator skips inodes freed in the last minute or more (the ones a
 * crash could still show on disk as in use), reading the inode table's buffer for each one, so
 * when every object lives in one group each new inode walks past all the recently deleted ones
 * before it: that walk took 17% of gantryd's CPU in a 10-pod burst after a few hundred pod
 * cycles. Spread over the groups, each walk is short. Other file systems do not know the flag,
 * and nothing changes there.
 */
public final class DirectorySpreading {

    /** {@code _IOR('f', 1, long)} and {@code _IOW('f', 2, long)}; the kernel reads and writes an int. */
    private static final long FS_IOC_GETFLAGS = 0x80086601L;
    private static final long FS_IOC_SETFLAGS = 0x40086602L;
    private static final int FS_TOPDIR_FL = 0x00020000;

    private DirectorySpreading() {}

    /**
     * Sets {@code FS_TOPDIR_FL} on {@code dir}, keeping its other flags; idempotent.
     *
     * @return true when the flag is set (now or before), false when the file system has no such flag
     * @throws IOException when {@code dir} is not a directory (a symbolic link is not followed) or the flags cannot be read or written
     */
    public static boolean spreadSubdirectories(Path dir) throws IOException {
        int fd = FileOps.openDirectoryNoFollow(dir);
        try {
            int[] flags = new int[1];
            if (!flags(fd, FS_IOC_GETFLAGS, "FS_IOC_GETFLAGS", flags, dir)) {
                return false;
            }
            if ((flags[0] & FS_TOPDIR_FL) != 0) {
                return true;
            }
            flags[0] |= FS_TOPDIR_FL;
            // A file system with inode flags but not this one (tmpfs, xfs, btrfs) refuses it here.
            return flags(fd, FS_IOC_SETFLAGS, "FS_IOC_SETFLAGS", flags, dir);
        } finally {
            FileOps.closeQuietly(fd);
        }
    }

    /** Reads or writes the inode flags; false when the file system does not support the request. */
    private static boolean flags(int fd, long request, String name, int[] flags, Path dir) throws IOException {
        try {
            Libc.ioctl(fd, request, flags);
            return true;
        } catch (LastErrorException e) {
            if (unsupported(e)) {
                return false;
            }
            throw ErrnoException.of("ioctl " + name, dir.toString(), e);
        }
    }

    /** A file system without inode flags answers ENOTTY; one without this flag EOPNOTSUPP, or EINVAL on some. */
    private static boolean unsupported(LastErrorException e) {
        int errno = e.getErrorCode();
        return errno == ErrnoException.ENOTTY || errno == ErrnoException.EOPNOTSUPP || errno == ErrnoException.EINVAL;
    }
}
