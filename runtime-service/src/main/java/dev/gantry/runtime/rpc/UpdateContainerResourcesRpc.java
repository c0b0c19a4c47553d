package dev.gantry.runtime.rpc;

import dev.gantry.cri.rpc.InvalidRequestException;
import dev.gantry.cri.v1.UpdateContainerResourcesRequest;
import dev.gantry.cri.v1.UpdateContainerResourcesResponse;
import dev.gantry.runtime.container.ContainerManager;

/** UpdateContainerResources: {@code runc update} on the container's cgroup (v1 files or v2 unified). */
public final class UpdateContainerResourcesRpc {

    private final ContainerManager containers;

    public UpdateContainerResourcesRpc(ContainerManager containers) {
        this.containers = containers;
    }

    UpdateContainerResourcesResponse handle(UpdateContainerResourcesRequest request) {
        if (!request.hasLinux()) {
            throw new InvalidRequestException("UpdateContainerResources: linux resources are required");
        }
        RequestChecks.noNul("UpdateContainerResources", "", request);
        containers.updateResources(request.getContainerId(), request.getLinux());
        return UpdateContainerResourcesResponse.getDefaultInstance();
    }
}
