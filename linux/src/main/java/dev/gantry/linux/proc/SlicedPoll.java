package dev.gantry.linux.proc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.gantry.linux.fs.ErrnoException;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * poll(2) until a deadline in short slices, so an interrupt of the waiting thread is noticed
 * without a signal to wake poll. Callers run it off a virtual thread's carrier: it blocks in native code.
 */
final class SlicedPoll {

    private static final int SLICE_MILLIS = 100;

    private SlicedPoll() {}

    /**
     * Waits until one of the {@code count} entries of {@code pollfds} (struct pollfd: fd and events
     * set by the caller) has an event, or {@code deadlineNanos} (of {@link System#nanoTime}) passes.
     * The entries' revents are cleared before each poll and hold its answer after.
     *
     * @param what names the wait in an interrupt's and a failed poll's message
     * @return true on an event, false once the deadline has passed without one
     */
    static boolean awaitAny(Memory pollfds, int count, long deadlineNanos, String what) throws IOException {
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while " + what);
            }
            long leftMillis = Math.max(0, (deadlineNanos - System.nanoTime() + 999_999) / 1_000_000);
            for (int i = 0; i < count; i++) {
                pollfds.setShort(8L * i + 6, (short) 0);
            }
            try {
                if (ProcNatives.poll(pollfds, count, (int) Math.min(leftMillis, SLICE_MILLIS)) > 0) {
                    return true;
                }
            } catch (LastErrorException e) {
                if (e.getErrorCode() != ProcNatives.EINTR) {
                    throw ErrnoException.of("poll", what, e);
                }
                continue;
            }
            if (leftMillis == 0) {
                return false;
            }
        }
    }
}
