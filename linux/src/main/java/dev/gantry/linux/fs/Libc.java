package dev.gantry.linux.fs;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.NativeBinding;
import org.jspecify.annotations.Nullable;

/**
 * Direct-mapped libc calls for {@link FileOps}. Paths travel as NUL-terminated byte arrays in the
 * JDK's own file name encoding, so a name means the same file to JNA and to java.nio.
 * Sizes are {@code long}: 64-bit Linux only ({@code size_t}, {@code dev_t} and {@code time_t} are 8 bytes).
 */
final class Libc {

    static {
        NativeBinding.toLibc(Libc.class);
    }

    private Libc() {}

    static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags) throws LastErrorException;

    static native long lgetxattr(byte[] path, byte[] name, byte @Nullable [] value, long size) throws LastErrorException;

    static native long llistxattr(byte[] path, byte @Nullable [] list, long size) throws LastErrorException;

    static native int mknod(byte[] path, int mode, long dev) throws LastErrorException;

    static native int mkdir(byte[] path, int mode) throws LastErrorException;

    static native int symlink(byte[] target, byte[] linkPath) throws LastErrorException;

    static native int lchown(byte[] path, int uid, int gid) throws LastErrorException;

    static native int chmod(byte[] path, int mode) throws LastErrorException;

    /** {@code times} is {@code struct timespec[2]}: atime seconds, atime nanos, mtime seconds, mtime nanos. */
    static native int utimensat(int dirFd, byte[] path, long[] times, int flags) throws LastErrorException;

    /** {@code buf} receives {@code struct statvfs} (112 bytes on 64-bit Linux). */
    static native int statvfs(byte[] path, long[] buf) throws LastErrorException;

    static native int open(byte[] path, int flags) throws LastErrorException;

    static native int syncfs(int fd) throws LastErrorException;

    /** For the inode flag requests, whose argument is an {@code int} however the request numbers encode its size. */
    static native int ioctl(int fd, long request, int[] flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int geteuid();

    static native int getegid();

    static native String strerror(int errno);
}
