package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.StopContainerResponse;
import dev.gantry.runtime.container.ContainerManager;

/** StopContainer: the stop signal, SIGKILL after {@code timeout} seconds; OK for unknown or stopped containers. */
public final class StopContainerRpc {

    private final ContainerManager containers;

    public StopContainerRpc(ContainerManager containers) {
        this.containers = containers;
    }

    StopContainerResponse handle(StopContainerRequest request) throws Exception {
        // A negative timeout kills at once, as zero does (the kubelet's "no grace"); a huge one is clamped.
        containers.stop(request.getContainerId(), RequestChecks.timeout("StopContainer", "timeout", Math.max(0, request.getTimeout())));
        return StopContainerResponse.getDefaultInstance();
    }
}
