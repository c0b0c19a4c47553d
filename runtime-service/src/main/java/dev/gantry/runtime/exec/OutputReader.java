package dev.gantry.runtime.exec;

import dev.gantry.linux.spawn.Fds;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Reads one of ExecSync's pipes into the {@link OutputCap} on a platform thread of its own, polling
 * in short slices so it can be told to stop: after the command exited, a process it left in the
 * background may hold the pipe open for as long as it lives (containerd's drain_exec_sync_io_timeout
 * problem), and a reader blocked in read(2) could not be called back. It is a platform thread
 * because the poll is a native call, which would hold a virtual thread's carrier.
 */
final class OutputReader {

    private static final int SLICE_MILLIS = 100;

    private final int fd;
    private final int stream;
    private final OutputCap cap;
    private final Runnable onOverflow;
    private final Thread thread;
    private volatile boolean stop;
    private volatile @Nullable IOException failure;

    private OutputReader(int fd, int stream, OutputCap cap, Runnable onOverflow, String name) {
        this.fd = fd;
        this.stream = stream;
        this.cap = cap;
        this.onOverflow = onOverflow;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    static OutputReader start(int fd, int stream, OutputCap cap, Runnable onOverflow, String name) {
        OutputReader reader = new OutputReader(fd, stream, cap, onOverflow, name);
        reader.thread.start();
        return reader;
    }

    private void run() {
        byte[] buf = new byte[16384];
        boolean overflowed = false;
        try {
            while (!stop) {
                int n = Fds.read(fd, buf, SLICE_MILLIS);
                if (n < 0) {
                    return;
                }
                if (n > 0 && !cap.append(stream, buf, n) && !overflowed) {
                    overflowed = true;
                    onOverflow.run();
                }
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    /**
     * Waits up to {@code grace} for end of file, then stops reading and waits for the thread to end
     * (within one poll slice), after which the fd may be closed.
     *
     * @return true when the pipe ended by itself
     */
    boolean finish(Duration grace) throws InterruptedException {
        boolean ended = thread.join(grace);
        if (!ended) {
            stop = true;
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        return ended;
    }

    @Nullable IOException failure() {
        return failure;
    }
}
