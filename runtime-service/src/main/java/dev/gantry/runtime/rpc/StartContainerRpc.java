package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.StartContainerRequest;
import dev.gantry.cri.v1.StartContainerResponse;
import dev.gantry.runtime.container.ContainerManager;

/** StartContainer: NOT_FOUND for an unknown id, FAILED_PRECONDITION unless the container is CREATED. */
public final class StartContainerRpc {

    private final ContainerManager containers;

    public StartContainerRpc(ContainerManager containers) {
        this.containers = containers;
    }

    StartContainerResponse handle(StartContainerRequest request) {
        RequestChecks.id("StartContainer", "container_id", request.getContainerId());
        containers.start(request.getContainerId());
        return StartContainerResponse.getDefaultInstance();
    }
}
