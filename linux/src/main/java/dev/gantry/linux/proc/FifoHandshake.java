package dev.gantry.linux.proc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.gantry.common.io.BlockingIo;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.fs.FileOps;
import dev.gantry.linux.fs.NativeArgs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The reading end of a one-shot FIFO handshake with another process: the writer blocks in open(2)
 * until a reader comes, writes its word, and goes on; the reader takes the word and waits for the
 * writer to close its end. runc's {@code exec.fifo} is one: a created container's init waits there
 * for the word to exec the container's process, and closes its end on the way to that exec.
 *
 * <p>A FIFO whose writer has died would be waited on for ever, so the writer is named by pid and
 * its exit ends the wait too. Until a writer has opened the FIFO, poll(2) reports nothing and
 * read(2) would report a false end, so it is read only once poll says so or the writer is gone.
 */
public final class FifoHandshake {

    private FifoHandshake() {}

    /**
     * Opens {@code fifo} for reading, which lets a writer blocked in opening it go on, and reads
     * until the writer has closed it or exited. Returns what it wrote: empty when it closed or
     * exited without writing.
     *
     * @throws NoSuchFileException when there is no {@code fifo}
     * @throws IOException when the writer neither closed the FIFO nor exited within {@code timeout}
     */
    public static byte[] read(Path fifo, long writerPid, Duration timeout) throws IOException {
        return BlockingIo.offCarrier(() -> readHere(fifo, writerPid, timeout));
    }

    private static byte[] readHere(Path fifo, long writerPid, Duration timeout) throws IOException {
        // Opened before the FIFO: a writer that exits after this is seen by the poll below.
        Optional<Pidfd> writer = Pidfd.open(writerPid);
        try {
            int fd = open(fifo);
            try {
                return await(fd, fifo, writer, timeout);
            } finally {
                FileOps.closeQuietly(fd);
            }
        } finally {
            writer.ifPresent(Pidfd::close);
        }
    }

    private static int open(Path fifo) throws IOException {
        try {
            // Non-blocking: for reading, open(2) of a FIFO then returns at once, writer or not.
            return ProcNatives.open(NativeArgs.path(fifo), ProcNatives.O_RDONLY | ProcNatives.O_NONBLOCK | ProcNatives.O_CLOEXEC);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == ErrnoException.ENOENT) {
                throw new NoSuchFileException(fifo.toString());
            }
            throw ErrnoException.of("open", fifo.toString(), e);
        }
    }

    private static byte[] await(int fd, Path fifo, Optional<Pidfd> writer, Duration timeout) throws IOException {
        ByteArrayOutputStream word = new ByteArrayOutputStream();
        if (writer.isEmpty()) {
            drain(fd, fifo, word); // gone before we came: only what it wrote before, if anything
            return word.toByteArray();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Memory pollfds = new Memory(16)) {
            pollfds.setInt(0, fd);
            pollfds.setShort(4, ProcNatives.POLLIN);
            pollfds.setInt(8, writer.get().fd());
            pollfds.setShort(12, ProcNatives.POLLIN);
            while (true) {
                if (!SlicedPoll.awaitAny(pollfds, 2, deadline, "reading " + fifo)) {
                    throw new IOException("the writer (pid " + writer.get().pid() + ") of " + fifo + " neither closed it nor exited within "
                            + timeout.toMillis() + " ms");
                }
                if ((pollfds.getShort(6) & (ProcNatives.POLLIN | ProcNatives.POLLHUP | ProcNatives.POLLERR)) != 0) {
                    if (drain(fd, fifo, word)) {
                        return word.toByteArray();
                    }
                } else if ((pollfds.getShort(14) & ProcNatives.POLLIN) != 0) {
                    drain(fd, fifo, word); // the writer exited; what it wrote before is still there
                    return word.toByteArray();
                }
            }
        }
    }

    /** Reads what is there; true once the writer has closed its end. */
    private static boolean drain(int fd, Path fifo, ByteArrayOutputStream into) throws IOException {
        byte[] buffer = new byte[64];
        while (true) {
            long n;
            try {
                n = ProcNatives.read(fd, buffer, buffer.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ProcNatives.EAGAIN) {
                    return false;
                }
                if (e.getErrorCode() == ProcNatives.EINTR) {
                    continue;
                }
                throw ErrnoException.of("read", fifo.toString(), e);
            }
            if (n == 0) {
                return true;
            }
            into.write(buffer, 0, (int) n);
        }
    }
}
