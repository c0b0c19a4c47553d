package dev.gantry.runtime.daemon;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Gives memory back after a burst of work. A pull streams hundreds of megabytes through short-lived
 * buffers; the serial collector promotes some of them and grows the heap, and only a full collection
 * shrinks it again. A node daemon then idles for hours, so once a burst has been quiet for
 * {@code quiet}, one full collection returns the heap to its idle size (MaxHeapFreeRatio).
 */
final class HeapTrimmer implements Runnable {

    private final Duration quiet;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "heap-trimmer");
        thread.setDaemon(true);
        return thread;
    });
    private @Nullable ScheduledFuture<?> pending;

    HeapTrimmer(Duration quiet) {
        this.quiet = quiet;
    }

    /** A burst ended: collect once {@code quiet} passes without another one ending. */
    @Override
    public synchronized void run() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = timer.schedule(System::gc, quiet.toMillis(), TimeUnit.MILLISECONDS);
    }
}
