package dev.gantry.linux.spawn;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;

/**
 * A pipe(2) whose two ends are raw file descriptors, for handing one end to a child through
 * {@link Spawner#spawn(java.util.List, java.util.Map, java.util.Optional, java.util.Map)}.
 *
 * <p>Both ends are opened close-on-exec: a child that another thread starts meanwhile (through
 * ProcessBuilder or this spawner) must not inherit them, or the reader would never see EOF. The
 * child meant to get an end gets it through a dup2 file action, which clears the flag on its copy.
 * Close the end you gave away as soon as the child is spawned, for the same reason.
 */
public final class Pipe implements AutoCloseable {

    private static final int O_CLOEXEC = 0x80000;

    private int readFd;
    private int writeFd;

    private Pipe(int readFd, int writeFd) {
        this.readFd = readFd;
        this.writeFd = writeFd;
    }

    public static Pipe open() throws ErrnoException {
        int[] fds = new int[2];
        try {
            SpawnNatives.pipe2(fds, O_CLOEXEC);
        } catch (LastErrorException e) {
            throw ErrnoException.of("pipe2", "", e);
        }
        return new Pipe(fds[0], fds[1]);
    }

    /** The read end; fails once it was closed. */
    public synchronized int readFd() {
        if (readFd < 0) {
            throw new IllegalStateException("read end of the pipe is closed");
        }
        return readFd;
    }

    /** The write end; fails once it was closed. */
    public synchronized int writeFd() {
        if (writeFd < 0) {
            throw new IllegalStateException("write end of the pipe is closed");
        }
        return writeFd;
    }

    /** Closes the read end; a second call does nothing. */
    public synchronized void closeRead() throws ErrnoException {
        int fd = readFd;
        readFd = -1;
        if (fd >= 0) {
            Fds.close(fd);
        }
    }

    /** Closes the write end; a second call does nothing. */
    public synchronized void closeWrite() throws ErrnoException {
        int fd = writeFd;
        writeFd = -1;
        if (fd >= 0) {
            Fds.close(fd);
        }
    }

    /** Closes whatever end is still open. */
    @Override
    public void close() throws ErrnoException {
        try {
            closeRead();
        } finally {
            closeWrite();
        }
    }
}
