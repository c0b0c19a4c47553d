package dev.gantry.runtime.container;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Runs the deletion of a removed container's files ({@link ContainerRemoval#detach}) on a virtual
 * thread of its own, {@link #DELAY} after RemoveContainer asked for it. Nobody waits for that disk
 * work, but started at once it ran beside whatever the caller did next: on a busy node, crictl's
 * exit and its next command shared the cores with a tree of unlinks. A moment later it mostly runs
 * after them. If the daemon stops in between, recovery deletes the files at the next start, as it
 * does for a deletion cut short.
 */
public final class DeferredDeletion implements Executor {

    /**
     * Longer than crictl takes to exit and start its next command, short enough that the files of
     * a removed container are gone before anyone looks (ImageFsInfo, an operator's {@code ls}).
     */
    private static final Duration DELAY = Duration.ofMillis(100);

    /** Waits before a deletion; {@link Thread#sleep(Duration)} outside tests. */
    interface Pause {
        void pause(Duration delay) throws InterruptedException;
    }

    private final ThreadFactory threads = Thread.ofVirtual().name("container-files-", 0).factory();
    private final Duration delay;
    private final Pause pause;

    public DeferredDeletion() {
        this(DELAY, Thread::sleep);
    }

    DeferredDeletion(Duration delay, Pause pause) {
        this.delay = delay;
        this.pause = pause;
    }

    @Override
    public void execute(Runnable deletion) {
        threads.newThread(() -> {
            try {
                pause.pause(delay);
            } catch (InterruptedException stopping) {
                // The daemon is going down: the files wait for recovery at the next start.
                Thread.currentThread().interrupt();
                return;
            }
            deletion.run();
        }).start();
    }
}
