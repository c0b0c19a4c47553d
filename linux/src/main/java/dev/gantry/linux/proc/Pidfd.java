package dev.gantry.linux.proc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.gantry.common.io.BlockingIo;
import dev.gantry.linux.fs.ErrnoException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * A pidfd(2): a handle on one process that cannot be confused with a later process given the same
 * pid. Signals sent through it reach that process or nobody; it becomes readable when the process
 * exits (whoever its parent is), so any process can be waited for, not only our children.
 */
public final class Pidfd implements Processes.Handle {

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private final long pid;
    private final int fd;
    private boolean closed;

    private Pidfd(long pid, int fd) {
        this.pid = pid;
        this.fd = fd;
    }

    /** A handle on the live process {@code pid}, or empty when there is none (ESRCH). */
    public static Optional<Pidfd> open(long pid) throws ErrnoException {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("not a pid: " + pid);
        }
        try {
            return Optional.of(new Pidfd(pid, ProcNatives.pidfd_open((int) pid, 0)));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ProcNatives.ESRCH) {
                return Optional.empty();
            }
            throw ErrnoException.of("pidfd_open", Long.toString(pid), e);
        }
    }

    @Override
    public long pid() {
        return pid;
    }

    /** The descriptor itself, for a poll over it and other descriptors in this package; readable once the process exited. */
    int fd() {
        return fd;
    }

    /** Sends {@code signal}; false if the process has already exited (ESRCH). */
    @Override
    public boolean kill(int signal) throws ErrnoException {
        try {
            ProcNatives.pidfd_send_signal(fd, signal, null, 0);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ProcNatives.ESRCH) {
                return false;
            }
            throw ErrnoException.of("pidfd_send_signal " + signal, Long.toString(pid), e);
        }
    }

    /**
     * Waits up to {@code timeout} for the process to exit; true once it has. An exited process may
     * still be a zombie until its parent reaps it (the JDK reaps the children it started itself).
     */
    @Override
    public boolean waitExit(Duration timeout) throws IOException {
        // The poll blocks in native code: off a virtual thread's carrier.
        return BlockingIo.offCarrier(() -> pollExit(timeout));
    }

    private boolean pollExit(Duration timeout) throws IOException {
        try (Memory pollfd = new Memory(8)) {
            pollfd.setInt(0, fd);
            pollfd.setShort(4, ProcNatives.POLLIN);
            return SlicedPoll.awaitAny(pollfd, 1, System.nanoTime() + timeout.toNanos(), "waiting for pid " + pid + " to exit");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                ProcNatives.close(fd);
            } catch (LastErrorException ignored) {
                // Nothing useful to do about a failed close of a pidfd.
            }
        }
    }
}
