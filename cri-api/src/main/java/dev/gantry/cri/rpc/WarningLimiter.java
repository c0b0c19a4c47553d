package dev.gantry.cri.rpc;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Caps repeated warnings of one kind (an RPC and a status code): a client that sends the same bad
 * request in a loop must not fill the node's disk with the same line. Each kind may log
 * {@link #BURST} lines per {@link #WINDOW_NANOS}; the rest are counted, and the next line allowed
 * says how many were left out.
 */
final class WarningLimiter {

    static final int BURST = 20;
    static final long WINDOW_NANOS = 10_000_000_000L;
    /** Kinds are RPC × code, a few hundred at most; past this, forget them all rather than grow. */
    private static final int MAX_KINDS = 4096;

    /** What to do with one warning: log it (saying how many before it were left out), or not. */
    record Verdict(boolean log, long suppressedBefore) {}

    private static final class Window {
        long start;
        int logged;
        long suppressed;
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    WarningLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    Verdict admit(String kind) {
        if (windows.size() > MAX_KINDS) {
            windows.clear();
        }
        Window w = windows.computeIfAbsent(kind, k -> {
            Window fresh = new Window();
            fresh.start = nanoTime.getAsLong();
            return fresh;
        });
        synchronized (w) {
            long now = nanoTime.getAsLong();
            if (now - w.start >= WINDOW_NANOS) {
                w.start = now;
                w.logged = 0;
            }
            if (w.logged < BURST) {
                w.logged++;
                long before = w.suppressed;
                w.suppressed = 0;
                return new Verdict(true, before);
            }
            w.suppressed++;
            return new Verdict(false, 0);
        }
    }
}
