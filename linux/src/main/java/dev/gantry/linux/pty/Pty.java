package dev.gantry.linux.pty;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A pseudo-terminal pair opened by us (posix_openpt, grantpt, unlockpt), both ends as raw file
 * descriptors: the slave to hand to a child through {@code Spawner}'s fd map, the master to set the
 * window size on. Both ends are close-on-exec and opened without becoming anyone's controlling
 * terminal, so gantryd never acquires one (a daemon that is a session leader would, and would then be
 * sent SIGHUP when the master closes).
 */
public final class Pty implements AutoCloseable {

    private final int master;
    private final Path slavePath;
    private int slave;
    private boolean closed;

    private Pty(int master, int slave, Path slavePath) {
        this.master = master;
        this.slave = slave;
        this.slavePath = slavePath;
    }

    /** Opens a new pair with both ends open. */
    public static Pty open() throws ErrnoException {
        int master;
        try {
            master = PtyNatives.posix_openpt(PtyNatives.O_RDWR | PtyNatives.O_NOCTTY | PtyNatives.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw ErrnoException.of("posix_openpt", "/dev/ptmx", e);
        }
        try {
            PtyNatives.grantpt(master);
            PtyNatives.unlockpt(master);
            byte[] name = new byte[128];
            int error = PtyNatives.ptsname_r(master, name, name.length);
            if (error != 0) {
                throw new ErrnoException("ptsname_r", "/dev/ptmx", error, "errno " + error);
            }
            int len = 0;
            while (len < name.length && name[len] != 0) {
                len++;
            }
            Path slavePath = Path.of(new String(name, 0, len, StandardCharsets.UTF_8));
            byte[] pathBytes = new byte[len + 1];
            System.arraycopy(name, 0, pathBytes, 0, len);
            int slave = PtyNatives.open(pathBytes, PtyNatives.O_RDWR | PtyNatives.O_NOCTTY | PtyNatives.O_CLOEXEC);
            return new Pty(master, slave, slavePath);
        } catch (LastErrorException e) {
            closeQuietly(master);
            throw ErrnoException.of("open pty slave", "/dev/ptmx", e);
        } catch (ErrnoException | RuntimeException e) {
            closeQuietly(master);
            throw e;
        }
    }

    public synchronized int masterFd() {
        if (closed) {
            throw new IllegalStateException("pty " + slavePath + " is closed");
        }
        return master;
    }

    /** The slave end; fails once it was closed. */
    public synchronized int slaveFd() {
        if (slave < 0) {
            throw new IllegalStateException("slave end of pty " + slavePath + " is closed");
        }
        return slave;
    }

    /** /dev/pts/N */
    public Path slavePath() {
        return slavePath;
    }

    /**
     * Sets the window size in character cells. The kernel sends SIGWINCH to the foreground process
     * group of a terminal that is some session's controlling terminal; a program that only has the
     * slave as a plain descriptor must be signalled by the caller.
     */
    public synchronized void resize(int columns, int rows) throws ErrnoException {
        if (columns < 0 || rows < 0 || columns > 0xffff || rows > 0xffff) {
            throw new IllegalArgumentException("terminal size out of range: " + columns + "x" + rows);
        }
        try {
            PtyNatives.ioctl(masterFd(), PtyNatives.TIOCSWINSZ, new short[] {(short) rows, (short) columns, 0, 0});
        } catch (LastErrorException e) {
            throw ErrnoException.of("ioctl TIOCSWINSZ", slavePath.toString(), e);
        }
    }

    /** The window size as {columns, rows}. */
    public synchronized int[] size() throws ErrnoException {
        short[] ws = new short[4];
        try {
            PtyNatives.ioctl(masterFd(), PtyNatives.TIOCGWINSZ, ws);
        } catch (LastErrorException e) {
            throw ErrnoException.of("ioctl TIOCGWINSZ", slavePath.toString(), e);
        }
        return new int[] {Short.toUnsignedInt(ws[1]), Short.toUnsignedInt(ws[0])};
    }

    /** Closes our copy of the slave (the child keeps its own); a second call does nothing. */
    public synchronized void closeSlave() {
        if (slave >= 0) {
            closeQuietly(slave);
            slave = -1;
        }
    }

    @Override
    public synchronized void close() {
        closeSlave();
        if (!closed) {
            closed = true;
            closeQuietly(master);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            PtyNatives.close(fd);
        } catch (LastErrorException ignored) {
            // Linux releases the descriptor even when close fails.
        }
    }
}
