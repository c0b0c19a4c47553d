package dev.gantry.linux.spawn;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.gantry.common.io.BlockingIo;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.fs.NativeArgs;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * read, write and close on raw file descriptors (the ends of a {@link Pipe}), for the few places
 * where a descriptor must exist as a number a child can be given, which a Java stream cannot.
 */
public final class Fds {

    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    private static final int MFD_CLOEXEC = 1;
    private static final int SEEK_SET = 0;
    private static final int O_WRONLY = 01;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;

    private static final int EINTR = 4;
    private static final short POLLIN = 0x1;
    /** How long one poll may block, so a thread interrupt is noticed without a signal to wake it. */
    private static final int POLL_SLICE_MILLIS = 100;

    private Fds() {}

    /**
     * Waits up to {@code timeoutMillis} for {@code fd} to become readable (data, EOF or error),
     * then reads at most {@code buf.length} bytes.
     *
     * @return the number of bytes read; -1 at end of file; 0 when the timeout passed first
     */
    public static int read(int fd, byte[] buf, long timeoutMillis) throws IOException {
        if (!awaitReadable(fd, timeoutMillis)) {
            return 0;
        }
        while (true) {
            try {
                long n = SpawnNatives.read(fd, buf, buf.length);
                return n == 0 ? -1 : (int) n;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw ErrnoException.of("read", "fd " + fd, e);
                }
            }
        }
    }

    /**
     * Opens {@code path} write-only, close-on-exec and non-blocking: a fifo with no reader fails at
     * once with ENXIO instead of waiting for one, and a full one fails writes with EAGAIN.
     */
    public static int openNonBlockingWriter(Path path) throws ErrnoException {
        try {
            return SpawnNatives.open(NativeArgs.path(path), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw ErrnoException.of("open", path.toString(), e);
        }
    }

    /** Writes all of {@code data}; a reader that went away shows as EPIPE (the JVM ignores SIGPIPE). */
    public static void write(int fd, byte[] data) throws ErrnoException {
        int done = 0;
        while (done < data.length) {
            byte[] rest = done == 0 ? data : Arrays.copyOfRange(data, done, data.length);
            try {
                done += (int) SpawnNatives.write(fd, rest, rest.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw ErrnoException.of("write", "fd " + fd, e);
                }
            }
        }
    }

    /** A new anonymous file in memory (memfd), close-on-exec: a child's stdin, stdout or stderr without a pipe. */
    public static int memfd(String name) throws ErrnoException {
        try {
            return SpawnNatives.memfd_create(name, MFD_CLOEXEC);
        } catch (LastErrorException e) {
            throw ErrnoException.of("memfd_create", name, e);
        }
    }

    /** Moves {@code fd}'s offset back to the start, so a child given the descriptor reads what was written. */
    public static void rewind(int fd) throws ErrnoException {
        try {
            SpawnNatives.lseek(fd, 0, SEEK_SET);
        } catch (LastErrorException e) {
            throw ErrnoException.of("lseek", "fd " + fd, e);
        }
    }

    public static void close(int fd) throws ErrnoException {
        try {
            SpawnNatives.close(fd);
        } catch (LastErrorException e) {
            // Linux releases the descriptor even when close reports EINTR; retrying could close a reused number.
            if (e.getErrorCode() != EINTR) {
                throw ErrnoException.of("close", "fd " + fd, e);
            }
        }
    }

    /** The poll loop blocks in native code: off a virtual thread's carrier (BlockingIo). */
    private static boolean awaitReadable(int fd, long timeoutMillis) throws IOException {
        return BlockingIo.offCarrier(() -> pollReadable(fd, timeoutMillis));
    }

    private static boolean pollReadable(int fd, long timeoutMillis) throws IOException {
        long left = Math.max(0, timeoutMillis);
        try (Memory pollfd = new Memory(8)) {
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("interrupted while waiting to read fd " + fd);
                }
                int slice = (int) Math.min(left, POLL_SLICE_MILLIS);
                pollfd.setInt(0, fd);
                pollfd.setShort(4, POLLIN);
                pollfd.setShort(6, (short) 0);
                try {
                    if (SpawnNatives.poll(pollfd, 1, slice) > 0) {
                        return true;
                    }
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != EINTR) {
                        throw ErrnoException.of("poll", "fd " + fd, e);
                    }
                }
                left -= slice;
                if (left <= 0) {
                    return false;
                }
            }
        }
    }
}
