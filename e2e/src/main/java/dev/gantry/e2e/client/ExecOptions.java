package dev.gantry.e2e.client;

import java.util.List;
import java.util.Objects;

/**
 * The streams of an exec or attach and how to reach them. The same flags go into the CRI
 * ExecRequest/AttachRequest and into the streams the client opens: the server expects exactly the
 * streams the request named. With a terminal there is no stderr (CRI: "if tty is true, stderr MUST
 * be false").
 *
 * <pre>{@code
 * ExecOptions.over(Transport.SPDY).withStdin().withStdout().withStderr()
 * }</pre>
 *
 * @param protocols the sub-protocols offered, preferred first; by default {@link Transport#execProtocols()}
 */
public record ExecOptions(Transport transport, boolean stdin, boolean stdout, boolean stderr, boolean tty, List<String> protocols) {

    public ExecOptions {
        Objects.requireNonNull(transport, "transport");
        protocols = List.copyOf(protocols);
        if (tty && stderr) {
            throw new IllegalArgumentException("a terminal has no separate stderr: tty and stderr cannot both be set");
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("offer at least one protocol");
        }
    }

    /** No streams yet, the transport's default protocols. */
    public static ExecOptions over(Transport transport) {
        return new ExecOptions(transport, false, false, false, false, transport.execProtocols());
    }

    public ExecOptions withStdin() {
        return new ExecOptions(transport, true, stdout, stderr, tty, protocols);
    }

    public ExecOptions withStdout() {
        return new ExecOptions(transport, stdin, true, stderr, tty, protocols);
    }

    public ExecOptions withStderr() {
        return new ExecOptions(transport, stdin, stdout, true, tty, protocols);
    }

    public ExecOptions withTty() {
        return new ExecOptions(transport, stdin, stdout, stderr, true, protocols);
    }

    public ExecOptions withProtocols(String... offered) {
        return new ExecOptions(transport, stdin, stdout, stderr, tty, List.of(offered));
    }
}
