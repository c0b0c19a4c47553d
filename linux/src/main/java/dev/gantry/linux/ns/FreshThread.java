package dev.gantry.linux.ns;

import com.sun.jna.LastErrorException;
import dev.gantry.linux.fs.ErrnoException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;

/**
 * Runs one piece of namespace work on a new platform thread and waits for it. The thread ends
 * with the work, so the namespaces it unshared or entered die with it (unless pinned) and never
 * leak into a pooled or virtual thread.
 */
final class FreshThread {

    private static final Charset FILE_NAMES = fileNameCharset();

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
        int errno = e.getErrorCode();
        String description;
        try {
            description = NsNatives.strerror(errno);
        } catch (RuntimeException | LinkageError ignored) {
            description = "errno " + errno;
        }
        return new ErrnoException(call, path, errno, description);
    }

    static byte[] cPath(String path) {
        byte[] bytes = path.getBytes(FILE_NAMES);
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("NUL byte in a path: " + path);
            }
        }
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
