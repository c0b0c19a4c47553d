package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.cri.v1.StopPodSandboxResponse;
import dev.gantry.sandbox.SandboxManager;

/** StopPodSandbox: idempotent, and OK for an id this node does not know (the kubelet retries). */
public final class StopPodSandboxRpc {

    private final SandboxManager sandboxes;

    public StopPodSandboxRpc(SandboxManager sandboxes) {
        this.sandboxes = sandboxes;
    }

    StopPodSandboxResponse handle(StopPodSandboxRequest request) throws Exception {
        sandboxes.stop(request.getPodSandboxId());
        return StopPodSandboxResponse.getDefaultInstance();
    }
}
