package dev.gantry.runtime.daemon;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A part of the daemon that starts on its own thread while the main thread wires the rest, and
 * that the daemon waits for before it says it serves, so a part that cannot start still stops
 * the daemon before the kubelet relies on it. Closing waits for the start and closes what it made.
 */
final class BackgroundStart<T extends AutoCloseable> implements AutoCloseable {

    @FunctionalInterface
    interface Starter<T> {
        T start() throws IOException;
    }

    private final CompletableFuture<T> started = new CompletableFuture<>();

    private BackgroundStart() {}

    static <T extends AutoCloseable> BackgroundStart<T> begin(String threadName, Starter<T> starter) {
        BackgroundStart<T> start = new BackgroundStart<>();
        Thread.ofPlatform().name(threadName).start(() -> {
            try {
                start.started.complete(starter.start());
            } catch (IOException | RuntimeException | Error e) {
                start.started.completeExceptionally(e);
            }
        });
        return start;
    }

    /** The started part, once it has started; what its start threw, as it was thrown. */
    T await() throws IOException {
        try {
            return started.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a part of the daemon to start");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                case null, default -> throw new IllegalStateException(e);
            }
        }
    }

    /** The started part, for callers that only run after the daemon has awaited it. */
    T get() {
        try {
            return await();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        T part;
        try {
            part = await();
        } catch (IOException | RuntimeException e) {
            return; // it never started: nothing to close
        }
        part.close();
    }
}
