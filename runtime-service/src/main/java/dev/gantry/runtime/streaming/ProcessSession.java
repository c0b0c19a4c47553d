package dev.gantry.runtime.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The process end of an exec or attach session: plain blocking streams, so the protocol side
 * (SPDY or WebSocket) copies them on threads of its own and the backend knows nothing of HTTP.
 *
 * <p>A stream the request did not ask for is {@code null}. With a terminal the process has one
 * output, {@link #stdout()}, and {@link #stderr()} is {@code null}.
 */
public interface ProcessSession extends AutoCloseable {

    /** The process's input; closing it is end of input (stdin_once, or the client's stdin ended). */
    @Nullable OutputStream stdin();

    @Nullable InputStream stdout();

    @Nullable InputStream stderr();

    /** Sets the terminal's size in character cells; ignored without a terminal. */
    void resize(int width, int height) throws IOException;

    /**
     * Blocks until the session is over: an exec's process exited (its code is returned), or an
     * attached container's output ended (0).
     */
    int waitFor() throws InterruptedException;

    /**
     * Ends the session early, as when the client went away: an exec's process and everything it
     * started are killed; an attach is detached, the container runs on. Idempotent.
     */
    @Override
    void close();
}
