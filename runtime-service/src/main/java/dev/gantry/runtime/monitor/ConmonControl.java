package dev.gantry.runtime.monitor;

import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.spawn.Fds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * conmon's control fifo, {@code <bundle>/ctl}: conmon makes it at start (for every container,
 * terminal or not), keeps it open for reading and also holds a writer of its own, so it never
 * sees EOF. A message is one text line, {@code "<type> <height> <width>\n"}:
 *
 * <pre>
 *   1 h w   resize the container's terminal to h rows, w columns (ignored without a terminal)
 *   2 0 0   reopen the log file (after the kubelet renamed it away to rotate it)
 * </pre>
 *
 * conmon reads the fifo in its main loop, so a write only queues the request: when this returns,
 * conmon has not necessarily acted yet. Messages are far below PIPE_BUF, so each arrives whole.
 * We open the fifo write-only and non-blocking: a blocking open would wait forever for a reader
 * once conmon is gone, while a non-blocking one fails at once with ENXIO.
 */
public final class ConmonControl {

    static final int WIN_RESIZE_EVENT = 1;
    static final int REOPEN_LOGS_EVENT = 2;
    static final String FIFO = "ctl";


    private ConmonControl() {}

    /** Asks conmon to close and reopen its log file at the same path. */
    public static void reopenLog(Path bundleDir) throws IOException {
        send(bundleDir, message(REOPEN_LOGS_EVENT, 0, 0), "reopen the log");
    }

    /** Asks conmon to set the container's terminal size, in character cells. */
    public static void resize(Path bundleDir, int height, int width) throws IOException {
        if (height < 0 || width < 0 || height > 0xffff || width > 0xffff) {
            throw new IllegalArgumentException("terminal size must be 0..65535 each, got " + height + "x" + width);
        }
        send(bundleDir, message(WIN_RESIZE_EVENT, height, width), "resize the terminal to " + height + "x" + width);
    }

    static String message(int type, int height, int width) {
        return type + " " + height + " " + width + "\n";
    }

    private static void send(Path bundleDir, String message, String what) throws IOException {
        Path fifo = bundleDir.resolve(FIFO);
        int fd;
        try {
            fd = Fds.openNonBlockingWriter(fifo);
        } catch (ErrnoException e) {
            if (e.errno() == Fds.ENXIO) {
                throw new IOException("ask conmon to " + what + " through " + fifo + ": nobody reads the fifo, conmon has exited");
            }
            throw new IOException("ask conmon to " + what + ": " + e.getMessage(), e);
        }
        try {
            // A fifo write below PIPE_BUF is all or nothing.
            Fds.write(fd, message.getBytes(StandardCharsets.US_ASCII));
        } catch (ErrnoException e) {
            if (e.errno() == Fds.EAGAIN) {
                throw new IOException("ask conmon to " + what + " through " + fifo + ": the fifo is full, conmon is not reading it");
            }
            throw new IOException("ask conmon to " + what + ": " + e.getMessage(), e);
        } finally {
            try {
                Fds.close(fd);
            } catch (ErrnoException ignored) {
                // The message was written or the failure is already on its way.
            }
        }
    }
}
