package dev.gantry.linux.ns;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;
import java.util.concurrent.Callable;

/**
 * Runs one piece of namespace work on a new platform thread and waits for it. The thread ends
 * with the work, so the namespaces it unshared or entered die with it (unless pinned) and never
 * leak into a pooled or virtual thread.
 */
final class FreshThread {

    private FreshThread() {}

    /**
     * The work's result, or the work's own exception rethrown unchanged. If the caller is
     * interrupted it gets InterruptedException at once; the thread still finishes on its own.
     */
    static <T> T run(String name, Callable<T> work) throws Exception {
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        Thread thread = Thread.ofPlatform().name(name).daemon(true).unstarted(() -> {
            try {
                result[0] = work.call();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        thread.start();
        thread.join();
        // join() orders the thread's writes before our reads.
        if (failure[0] instanceof Exception e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    static ErrnoException failure(String call, String path, LastErrorException e) {
        return ErrnoException.of(call, path, e);
    }

}
