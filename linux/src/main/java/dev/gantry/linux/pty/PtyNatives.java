package dev.gantry.linux.pty;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.NativeBinding;

/** Direct-mapped glibc calls for {@link Pty}. */
final class PtyNatives {

    static final int O_RDWR = 02;
    static final int O_NOCTTY = 0400;
    static final int O_CLOEXEC = 02000000;
    static final long TIOCSWINSZ = 0x5414;
    static final long TIOCGWINSZ = 0x5413;

    static {
        NativeBinding.toLibc(PtyNatives.class);
    }

    private PtyNatives() {}

    static native int posix_openpt(int flags) throws LastErrorException;

    static native int grantpt(int fd) throws LastErrorException;

    static native int unlockpt(int fd) throws LastErrorException;

    /** Returns an error number instead of setting errno. */
    static native int ptsname_r(int fd, byte[] buf, long len);

    static native int open(byte[] path, int flags) throws LastErrorException;

    /**
     * Only the pointer-argument requests (TIOCSWINSZ, TIOCGWINSZ): {@code winsize} is
     * {@code struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; }}.
     */
    static native int ioctl(int fd, long request, short[] winsize) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
