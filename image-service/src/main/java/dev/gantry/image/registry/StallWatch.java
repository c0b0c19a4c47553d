package dev.gantry.image.registry;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Breaks blob reads that stopped moving. HttpClient times out only the wait for response headers; a
 * registry (or a proxy) that stalls in the middle of a body would hold a pull forever. A blocked body
 * read ends only by interrupting its thread, so this watch interrupts a reader that has received
 * nothing for {@code limit}; the stream then resumes from where it was, as after a cut connection.
 */
final class StallWatch {

    private final long limitNanos;
    private final Set<ResumingBlobInputStream> streams = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService timer;

    StallWatch(Duration limit) {
        this.limitNanos = limit.toNanos();
    }

    Duration limit() {
        return Duration.ofNanos(limitNanos);
    }

    void watch(ResumingBlobInputStream stream) {
        streams.add(stream);
        startTimer();
    }

    void forget(ResumingBlobInputStream stream) {
        streams.remove(stream);
    }

    private void startTimer() {
        if (timer != null) {
            return;
        }
        synchronized (this) {
            if (timer == null) {
                long period = Math.max(TimeUnit.MILLISECONDS.toNanos(20), limitNanos / 4);
                ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread thread = new Thread(r, "blob-stall-watch");
                    thread.setDaemon(true);
                    return thread;
                });
                started.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.NANOSECONDS);
                timer = started;
            }
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (ResumingBlobInputStream stream : streams) {
            stream.interruptIfStalled(now, limitNanos);
        }
    }

    void close() {
        ScheduledExecutorService running = timer;
        if (running != null) {
            running.shutdownNow();
        }
    }
}
