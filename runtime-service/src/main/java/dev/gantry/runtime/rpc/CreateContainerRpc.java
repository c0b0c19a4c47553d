package dev.gantry.runtime.rpc;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.CreateContainerResponse;
import dev.gantry.runtime.container.ContainerManager;

/** CreateContainer: the ContainerConfig and the pod's config travel down as the spec of what to build. */
public final class CreateContainerRpc {

    private final ContainerManager containers;

    public CreateContainerRpc(ContainerManager containers) {
        this.containers = containers;
    }

    CreateContainerResponse handle(CreateContainerRequest request) throws Exception {
        if (request.getPodSandboxId().isEmpty()) {
            throw new GantryException(ErrorKind.INVALID_ARGUMENT, "CreateContainer: pod_sandbox_id is empty");
        }
        if (!request.hasConfig()) {
            throw new GantryException(ErrorKind.INVALID_ARGUMENT, "CreateContainer: config is required");
        }
        var container = containers.create(request.getPodSandboxId(), request.getConfig(), request.getSandboxConfig(),
                CallerGone.ofCurrentCall());
        return CreateContainerResponse.newBuilder().setContainerId(container.id()).build();
    }
}
