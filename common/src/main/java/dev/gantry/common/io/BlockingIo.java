package dev.gantry.common.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Threads for blocking native I/O: reads and writes of pipes (a child's stdout, an exec's stdin).
 *
 * <p>Such a call holds a virtual thread's carrier until it returns, and on this JDK nothing makes
 * up for the lost carrier. gantryd has as many carriers as cores, so on a two-core node two quiet
 * pipes stopped every other virtual thread: an exec's stdout and stderr readers starved the stdin
 * copy that would have fed the process, and each runc call's output drains froze the gRPC calls
 * for as long as runc ran. Sockets are different (the JDK parks virtual threads on its poller), so
 * only pipes and other native waits belong here: a loop that lives as long as its pipe gets a
 * {@link #thread} of its own; a single wait in a call ({@code poll} on conmon's sync pipe, on a
 * pidfd) goes through {@link #offCarrier}.
 */
public final class BlockingIo {

    /** The loops run here are shallow: a read, a write, a buffer. */
    private static final long STACK_SIZE = 256 * 1024;

    private BlockingIo() {
    }

    /** Platform threads for {@link #offCarrier}: made on demand, gone after a minute unused. */
    private static final ExecutorService WAITERS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().stackSize(STACK_SIZE).name("native-wait-", 0).factory());

    /** A call that blocks in native code. */
    @FunctionalInterface
    public interface NativeCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs {@code call} where its blocking costs no carrier: on a platform thread it runs right
     * there; on a virtual thread it runs on a pooled platform thread while the virtual thread
     * parks. Interrupting the caller interrupts the call (which must check its thread's interrupt
     * flag between short native waits) and throws {@link InterruptedIOException}.
     */
    public static <T> T offCarrier(NativeCall<T> call) throws IOException {
        if (!Thread.currentThread().isVirtual()) {
            return call.call();
        }
        Future<T> result = WAITERS.submit(call::call);
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting in a native call");
        } catch (ExecutionException e) {
            switch (Objects.requireNonNull(e.getCause(), "cause")) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    /** A daemon platform thread with a small stack, for one loop that blocks in native I/O. */
    public static Thread.Builder.OfPlatform thread(String name) {
        return Thread.ofPlatform().daemon().stackSize(STACK_SIZE).name(name);
    }
}
