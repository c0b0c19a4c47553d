package dev.gantry.linux.inotify;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import dev.gantry.linux.NativeBinding;

/** Direct-mapped libc calls for {@link Inotify}. 64-bit Linux only ({@code size_t} is a {@code long}). */
final class InotifyNatives {

    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int O_CLOEXEC = 02000000;
    static final int O_NONBLOCK = 04000;
    static final short POLLIN = 0x1;

    static {
        NativeBinding.toLibc(InotifyNatives.class);
    }

    private InotifyNatives() {}

    static native int inotify_init1(int flags) throws LastErrorException;

    static native int inotify_add_watch(int fd, byte[] path, int mask) throws LastErrorException;

    static native int inotify_rm_watch(int fd, int wd) throws LastErrorException;

    static native int eventfd(int initval, int flags) throws LastErrorException;

    /** {@code fds} points at {@code struct pollfd[nfds]}: int fd, short events, short revents. */
    static native int poll(Pointer fds, long nfds, int timeoutMillis) throws LastErrorException;

    static native long read(int fd, Pointer buf, long count) throws LastErrorException;

    static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
