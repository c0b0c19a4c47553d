package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.ReopenContainerLogRequest;
import dev.gantry.cri.v1.ReopenContainerLogResponse;
import dev.gantry.runtime.container.ContainerManager;

/** ReopenContainerLog: after the kubelet renamed the log file, conmon starts a new one at the log path. */
public final class ReopenContainerLogRpc {

    private final ContainerManager containers;

    public ReopenContainerLogRpc(ContainerManager containers) {
        this.containers = containers;
    }

    ReopenContainerLogResponse handle(ReopenContainerLogRequest request) {
        containers.reopenLog(request.getContainerId());
        return ReopenContainerLogResponse.getDefaultInstance();
    }
}
