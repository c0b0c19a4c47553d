package dev.gantry.linux.proc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import dev.gantry.linux.NativeBinding;
import org.jspecify.annotations.Nullable;

/** Direct-mapped libc calls for process handles and /proc/sys writes (pidfd wrappers need glibc 2.36). */
final class ProcNatives {

    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 01;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;

    static {
        NativeBinding.toLibc(ProcNatives.class);
    }

    private ProcNatives() {}

    static native int pidfd_open(int pid, int flags) throws LastErrorException;

    /** {@code info} may be null: the kernel then fills it in as kill(2) would. */
    static native int pidfd_send_signal(int pidfd, int sig, @Nullable Pointer info, int flags) throws LastErrorException;

    /** {@code fds} points at {@code struct pollfd[nfds]}: int fd, short events, short revents. */
    static native int poll(Pointer fds, long nfds, int timeoutMillis) throws LastErrorException;

    static native int open(byte[] path, int flags) throws LastErrorException;

    static native long read(int fd, byte[] buf, long count) throws LastErrorException;

    static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
