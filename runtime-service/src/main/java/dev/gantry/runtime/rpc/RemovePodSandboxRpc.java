package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.RemovePodSandboxResponse;
import dev.gantry.sandbox.SandboxManager;

/** RemovePodSandbox: stops a READY pod first; idempotent, OK for an unknown id. */
public final class RemovePodSandboxRpc {

    private final SandboxManager sandboxes;

    public RemovePodSandboxRpc(SandboxManager sandboxes) {
        this.sandboxes = sandboxes;
    }

    RemovePodSandboxResponse handle(RemovePodSandboxRequest request) throws Exception {
        sandboxes.remove(request.getPodSandboxId());
        return RemovePodSandboxResponse.getDefaultInstance();
    }
}
