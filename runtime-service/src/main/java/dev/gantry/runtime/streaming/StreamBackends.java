package dev.gantry.runtime.streaming;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * What the streaming server needs from the runtime, by interface only: the server speaks the
 * protocols, the runtime runs processes and opens sockets. Refusals are
 * {@link dev.gantry.common.errors.GantryException}s (NOT_FOUND for a container or pod that is gone,
 * FAILED_PRECONDITION for one that is not running); the server reports them to the client on the
 * session's error stream.
 */
public interface StreamBackends {

    /** Starts {@code request.command()} in the container and returns its streams. */
    ProcessSession exec(StreamRequest.Exec request) throws IOException;

    /** Attaches to the container's main process. */
    ProcessSession attach(StreamRequest.Attach request) throws IOException;

    /**
     * A TCP connection to {@code 127.0.0.1:port} inside the pod's network namespace (the node's for a
     * host-network pod), connected and in blocking mode. A refused connection is an IOException
     * naming the pod and the port.
     */
    SocketChannel connect(String podSandboxId, int port) throws IOException;
}
