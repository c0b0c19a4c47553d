package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.StopContainerResponse;
import dev.gantry.runtime.container.ContainerManager;
import java.time.Duration;

/** StopContainer: the stop signal, SIGKILL after {@code timeout} seconds; OK for unknown or stopped containers. */
public final class StopContainerRpc {

    private final ContainerManager containers;

    public StopContainerRpc(ContainerManager containers) {
        this.containers = containers;
    }

    StopContainerResponse handle(StopContainerRequest request) throws Exception {
        containers.stop(request.getContainerId(), Duration.ofSeconds(Math.max(0, request.getTimeout())));
        return StopContainerResponse.getDefaultInstance();
    }
}
