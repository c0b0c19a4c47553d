package dev.gantry.runtime.attach;

import dev.gantry.common.io.PipeBuffer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Splits conmon's attach packets into the container's two outputs. conmon
 * ({@code src/ctr_stdio.c}, {@code read_stdio}) reads up to STDIO_BUF_SIZE (8192) bytes from the
 * container's stdout or stderr and sends them to every attached client as one SEQPACKET packet
 * whose first byte names the pipe: 2 for stdout, 3 for stderr. With a terminal there is only the
 * pty, which conmon reads as its stdout pipe, so every packet says 2.
 *
 * <p>An output nobody asked for ({@code null}) is dropped: conmon sends both regardless.
 */
final class AttachDemux {

    static final byte STDOUT_PIPE = 2;
    static final byte STDERR_PIPE = 3;
    /** conmon's STDIO_BUF_SIZE plus the pipe byte; larger in case a later conmon reads more at once. */
    static final int MAX_PACKET = 32 * 1024 + 1;

    private static final Logger log = LoggerFactory.getLogger(AttachDemux.class);

    private final @Nullable PipeBuffer stdout;
    private final @Nullable PipeBuffer stderr;
    private final String containerId;

    AttachDemux(String containerId, @Nullable PipeBuffer stdout, @Nullable PipeBuffer stderr) {
        this.containerId = containerId;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Routes one packet of {@code length} bytes; waits while its output's buffer is full. */
    void accept(byte[] packet, int length) throws InterruptedException {
        if (length < 1) {
            return;
        }
        PipeBuffer target = switch (packet[0]) {
            case STDOUT_PIPE -> stdout;
            case STDERR_PIPE -> stderr;
            default -> {
                log.warn("attach to container {}: packet of {} bytes names unknown pipe {}, dropped", containerId, length, packet[0]);
                yield null;
            }
        };
        if (target != null) {
            target.write(packet, 1, length - 1);
        }
    }

    /** The container's output ended (conmon closed the socket) or the client detached. */
    void end() {
        if (stdout != null) {
            stdout.end();
        }
        if (stderr != null) {
            stderr.end();
        }
    }
}
