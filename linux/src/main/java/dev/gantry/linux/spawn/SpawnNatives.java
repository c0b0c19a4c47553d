package dev.gantry.linux.spawn;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import dev.gantry.linux.NativeBinding;

/**
 * Direct-mapped glibc spawn calls. The posix_spawn family returns an error number instead of
 * setting errno; the plain syscalls (waitpid, pipe2, read, write, close, fcntl, poll) set errno. {@code argv} and {@code envp} are NULL-terminated
 * arrays of NUL-terminated strings, built by the caller.
 */
final class SpawnNatives {

    static {
        NativeBinding.toLibc(SpawnNatives.class);
    }

    private SpawnNatives() {}

    static native int posix_spawn(int[] pid, byte[] path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

    static native int posix_spawn_file_actions_init(Pointer fileActions);

    static native int posix_spawn_file_actions_destroy(Pointer fileActions);

    static native int posix_spawn_file_actions_addopen(Pointer fileActions, int fd, byte[] path, int flags, int mode);

    static native int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newFd);

    /** glibc 2.34 and later. */
    static native int posix_spawn_file_actions_addclosefrom_np(Pointer fileActions, int from);

    static native int posix_spawn_file_actions_addchdir_np(Pointer fileActions, byte[] path);

    static native int posix_spawnattr_init(Pointer attr);

    static native int posix_spawnattr_destroy(Pointer attr);

    static native int posix_spawnattr_setflags(Pointer attr, short flags);

    static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

    static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

    static native int sigfillset(Pointer sigset);

    static native int sigemptyset(Pointer sigset);

    static native int waitpid(int pid, int[] status, int options) throws LastErrorException;

    static native int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);

    static native int pipe2(int[] fds, int flags) throws LastErrorException;

    static native long read(int fd, byte[] buf, long count) throws LastErrorException;

    static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int open(byte[] path, int flags) throws LastErrorException;

    /** Only the int-argument commands (F_DUPFD_CLOEXEC): fcntl is variadic, and an int travels as an int. */
    static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

    /** An anonymous file in memory (glibc 2.27+): a child's stdin, stdout or stderr without a pipe to drain. */
    static native int memfd_create(String name, int flags) throws LastErrorException;

    static native long lseek(int fd, long offset, int whence) throws LastErrorException;

    /** {@code fds} points at {@code struct pollfd[nfds]}: int fd, short events, short revents. */
    static native int poll(Pointer fds, long nfds, int timeoutMillis) throws LastErrorException;
}
