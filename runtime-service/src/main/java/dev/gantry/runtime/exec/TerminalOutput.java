package dev.gantry.runtime.exec;

import dev.gantry.common.io.PipeBuffer;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.pty.Pty;
import dev.gantry.linux.spawn.Fds;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output of a TTY exec, read from the master of our pty, whose slave is runc's stdout.
 *
 * <p>Why through a pty of ours: runc clears ONLCR on the container's terminal and relies on its
 * "host console" to turn "\n" into "\r\n", as a user's terminal or CRI-O's pty does; its own raw
 * mode keeps OPOST for that. Read from a pipe, every line of a shell would start where the last
 * one ended in kubectl and crictl.
 *
 * <p>A platform thread does the blocking native reads (a virtual thread would pin its carrier) into
 * a bounded buffer, so a slow client slows runc instead of filling memory. It ends when every
 * slave is closed (read gives EIO: runc has exited) or the exec is closed, and closes the pty
 * itself, so the master's fd is never closed under a read in progress.
 */
final class TerminalOutput {

    private static final Logger log = LoggerFactory.getLogger(TerminalOutput.class);
    private static final int BUFFER = 64 * 1024;
    private static final int CHUNK = 16 * 1024;
    private static final int EIO = 5;
    /** How long one read waits before looking whether the exec was closed. */
    private static final long POLL_MILLIS = 200;

    private final Pty pty;
    private final PipeBuffer buffer = new PipeBuffer(BUFFER);
    private volatile boolean stopped;

    /** @param wanted false when the client asked for no output: it is read and dropped, so runc never blocks */
    TerminalOutput(Pty pty, String name, boolean wanted) {
        this.pty = pty;
        if (!wanted) {
            buffer.discard();
        }
        Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    InputStream input() {
        return buffer.input();
    }

    /** Stops reading at the next poll; the reading thread then closes the pty. */
    void stop() {
        stopped = true;
    }

    private void run() {
        byte[] chunk = new byte[CHUNK];
        try {
            while (!stopped) {
                int n = Fds.read(pty.masterFd(), chunk, POLL_MILLIS);
                if (n < 0) {
                    break;
                }
                buffer.write(chunk, 0, n);
            }
        } catch (ErrnoException e) {
            if (e.errno() != EIO) {
                log.debug("exec terminal: {}", e.getMessage());
            }
        } catch (IOException e) {
            log.debug("exec terminal: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            buffer.end();
            pty.close();
        }
    }
}
