package dev.gantry.e2e.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One forwarded TCP connection: its bytes both ways and the error stream the server reports a
 * failure on (a refused connection, say) as text. Closing {@link #output()} half-closes the data
 * stream on SPDY; WebSocket port forwarding has no half-close, so there it only stops writes.
 */
public final class PortConnection {

    private final int port;
    private final InputStream input;
    private final OutputStream output;
    private final StreamBuffer error;

    PortConnection(int port, InputStream input, OutputStream output, StreamBuffer error) {
        this.port = port;
        this.input = input;
        this.output = output;
        this.error = error;
    }

    public int port() {
        return port;
    }

    public InputStream input() {
        return input;
    }

    public OutputStream output() {
        return output;
    }

    /**
     * The error stream's text once it ended, or once something arrived and a moment passed (a
     * WebSocket error channel ends only with the connection); "" if nothing came within
     * {@code timeout}.
     */
    public String errorText(Duration timeout) throws InterruptedException {
        if (error.awaitData(timeout) && !error.ended()) {
            error.awaitEnd(Duration.ofMillis(200));
        }
        byte[] bytes = new byte[error.available()];
        int n = 0;
        try {
            while (n < bytes.length) {
                n += error.read(bytes, n, bytes.length - n);
            }
        } catch (IOException e) {
            // only buffered bytes are read; a failure after them is not the server's text
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
