package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.cri.v1.StopPodSandboxResponse;
import dev.gantry.runtime.pod.PodCoordinator;

/** StopPodSandbox: idempotent, and OK for an id this node does not know (the kubelet retries). */
public final class StopPodSandboxRpc {

    private final PodCoordinator pods;

    public StopPodSandboxRpc(PodCoordinator pods) {
        this.pods = pods;
    }

    StopPodSandboxResponse handle(StopPodSandboxRequest request) throws Exception {
        pods.stopPod(request.getPodSandboxId());
        return StopPodSandboxResponse.getDefaultInstance();
    }
}
