package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.RemoveContainerRequest;
import dev.gantry.cri.v1.RemoveContainerResponse;
import dev.gantry.runtime.container.ContainerManager;

/** RemoveContainer: kills a live container first; idempotent, OK for unknown ids. */
public final class RemoveContainerRpc {

    private final ContainerManager containers;

    public RemoveContainerRpc(ContainerManager containers) {
        this.containers = containers;
    }

    RemoveContainerResponse handle(RemoveContainerRequest request) throws Exception {
        containers.remove(request.getContainerId());
        return RemoveContainerResponse.getDefaultInstance();
    }
}
