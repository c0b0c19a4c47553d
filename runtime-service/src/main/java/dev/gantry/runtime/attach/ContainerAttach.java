package dev.gantry.runtime.attach;

import dev.gantry.common.errors.GantryException;
import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.socket.SeqPacketSocket;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerPaths;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.runtime.errors.ContainerNotRunningException;
import dev.gantry.runtime.streaming.ProcessSession;
import dev.gantry.runtime.streaming.StreamRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attach backend of the streaming server: joins a running container's main process through
 * the attach socket its conmon serves. conmon makes {@code <state>/attach/<id>} a symlink to the
 * bundle and binds {@code attach} inside it, a path short enough for sun_path whatever the root.
 *
 * <p>Whether the container has a terminal or an input is the container's, fixed at create
 * (ContainerConfig tty, stdin); the request chooses which of its streams the client joins. Any
 * number of clients may attach at once: conmon sends each the same output.
 */
public final class ContainerAttach {

    private static final Logger log = LoggerFactory.getLogger(ContainerAttach.class);
    private static final int ECONNREFUSED = 111;

    private final Function<String, Container> containers;
    private final ContainerPaths paths;

    /**
     * @param containers the container with an id or unique prefix, NOT_FOUND when there is none
     *                   ({@code ContainerManager::status})
     */
    public ContainerAttach(Function<String, Container> containers, ContainerPaths paths) {
        this.containers = containers;
        this.paths = paths;
    }

    /**
     * Attaches to the container's main process.
     *
     * @throws GantryException NOT_FOUND for an unknown container, FAILED_PRECONDITION for one that is not running
     * @throws IOException     conmon's socket could not be reached for another reason
     */
    public ProcessSession open(StreamRequest.Attach request) throws IOException {
        Container c = containers.apply(request.containerId());
        if (!(c.state() instanceof ContainerState.Running)) {
            throw notRunning(c.id(), describe(c.state()));
        }
        boolean terminal = c.config().getTty();
        boolean input = terminal || c.config().getStdin();
        Path socketPath = paths.attachSocket(c.id());
        SeqPacketSocket socket;
        try {
            socket = SeqPacketSocket.connect(socketPath);
        } catch (ErrnoException e) {
            // conmon unlinks its symlink and stops listening as it exits: the container ended a moment ago.
            if (e.errno() == ErrnoException.ENOENT || e.errno() == ECONNREFUSED) {
                throw notRunning(c.id(), "exiting (its conmon no longer serves " + socketPath + ")");
            }
            throw new IOException("attach to container " + c.id() + ": " + e.getMessage(), e);
        }
        log.info("attached to container {} (terminal {}, stdin {}, stdout {}, stderr {})", c.id(), terminal,
                request.stdin(), request.stdout(), request.stderr());
        return new AttachSession(c.id(), socket, paths.bundle(c.id()), terminal, input, request.stdin(), request.stdout(),
                request.stderr()).start();
    }

    private static String describe(ContainerState state) {
        return switch (state) {
            case ContainerState.Creating s -> "being created";
            case ContainerState.Created s -> "created but not started";
            case ContainerState.Running s -> "running";
            case ContainerState.Exited s -> "exited (code " + s.exitCode() + ")";
        };
    }

    private static GantryException notRunning(String id, String state) {
        return new ContainerNotRunningException(
                "attach to container " + id + ": it is " + state + ", only a running container can be attached to");
    }
}
