package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.RemovePodSandboxResponse;
import dev.gantry.runtime.pod.PodCoordinator;

/** RemovePodSandbox: stops a READY pod first; idempotent, OK for an unknown id. */
public final class RemovePodSandboxRpc {

    private final PodCoordinator pods;

    public RemovePodSandboxRpc(PodCoordinator pods) {
        this.pods = pods;
    }

    RemovePodSandboxResponse handle(RemovePodSandboxRequest request) throws Exception {
        pods.removePod(request.getPodSandboxId());
        return RemovePodSandboxResponse.getDefaultInstance();
    }
}
