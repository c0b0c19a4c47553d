package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.UpdatePodSandboxResourcesRequest;
import dev.gantry.cri.v1.UpdatePodSandboxResourcesResponse;
import dev.gantry.sandbox.SandboxManager;

/**
 * UpdatePodSandboxResources: the kubelet tells the runtime a pod's resources changed. With the
 * cgroupfs driver the kubelet writes the pod cgroup itself, so there is nothing to change here
 * beyond checking that the pod exists.
 */
public final class UpdatePodSandboxResourcesRpc {

    private final SandboxManager sandboxes;

    public UpdatePodSandboxResourcesRpc(SandboxManager sandboxes) {
        this.sandboxes = sandboxes;
    }

    UpdatePodSandboxResourcesResponse handle(UpdatePodSandboxResourcesRequest request) {
        sandboxes.status(request.getPodSandboxId());
        return UpdatePodSandboxResourcesResponse.getDefaultInstance();
    }
}
