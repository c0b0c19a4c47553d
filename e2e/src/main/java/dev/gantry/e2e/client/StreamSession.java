package dev.gantry.e2e.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One exec or attach session, over SPDY or WebSocket alike. A stream the options did not ask for
 * is {@code null}. Closing {@link #stdin()} is end of input (SPDY FIN; WebSocket v5's close signal,
 * nothing on v4). Reads never wait more than a minute for a byte.
 *
 * <pre>{@code
 * try (StreamSession s = streams.exec(url, ExecOptions.over(SPDY).withStdin().withStdout())) {
 *     s.stdin().write(...); s.stdin().close();
 *     byte[] out = s.stdout().readAllBytes();
 *     assertEquals(new ExitStatus.Exited(0), s.awaitStatus(Duration.ofSeconds(30)));
 * }
 * }</pre>
 */
public final class StreamSession implements AutoCloseable {

    private final String protocol;
    private final @Nullable OutputStream stdin;
    private final @Nullable InputStream stdout;
    private final @Nullable InputStream stderr;
    private final @Nullable OutputStream resize;
    private final StreamBuffer error;
    private final Runnable abort;
    private final Runnable close;
    private @Nullable ExitStatus status;

    StreamSession(String protocol, @Nullable OutputStream stdin, @Nullable InputStream stdout, @Nullable InputStream stderr,
            @Nullable OutputStream resize, StreamBuffer error,
            Runnable abort, Runnable close) {
        this.protocol = protocol;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.resize = resize;
        this.error = error;
        this.abort = abort;
        this.close = close;
    }

    /** The sub-protocol the server chose. */
    public String protocol() {
        return protocol;
    }

    public @Nullable OutputStream stdin() {
        return stdin;
    }

    public @Nullable InputStream stdout() {
        return stdout;
    }

    public @Nullable InputStream stderr() {
        return stderr;
    }

    /** Sends a terminal size on the resize stream; needs a terminal and v3 or later. */
    public void resize(int width, int height) throws IOException {
        if (resize == null) {
            throw new IllegalStateException("no resize stream: the session has no terminal, or " + protocol + " cannot resize");
        }
        resize.write(StreamProtocols.resizeMessage(width, height));
        resize.flush();
    }

    /**
     * Waits for the error stream to end and decodes it ({@link ExitStatus#decode}). A connection
     * lost before the error stream ended is a {@link ExitStatus.Failed} saying so.
     */
    public synchronized ExitStatus awaitStatus(Duration timeout) throws InterruptedException, TimeoutException {
        ExitStatus known = status;
        if (known == null) {
            if (!error.awaitEnd(timeout)) {
                throw new TimeoutException("no exit status within " + timeout + " (" + error.received() + " bytes on the error stream)");
            }
            try {
                known = ExitStatus.decode(protocol, error.readAllBytes());
            } catch (IOException e) {
                known = new ExitStatus.Failed(e.getMessage());
            }
            status = known;
        }
        return known;
    }

    /** Drops the connection at once, as a killed client would: no end of input, no goodbye. */
    public void abort() {
        abort.run();
    }

    /** Ends the session politely (GOAWAY or a close frame) and closes the connection. */
    @Override
    public void close() {
        close.run();
    }
}
