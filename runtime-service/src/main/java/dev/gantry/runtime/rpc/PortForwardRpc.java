package dev.gantry.runtime.rpc;

import dev.gantry.cri.rpc.InvalidRequestException;
import dev.gantry.cri.v1.PortForwardRequest;
import dev.gantry.cri.v1.PortForwardResponse;
import dev.gantry.runtime.streaming.StreamRequest;
import dev.gantry.runtime.streaming.StreamUrls;
import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.PodSandboxNotReadyException;
import dev.gantry.sandbox.SandboxManager;

/**
 * PortForward: checks the pod and the ports, then hands back a single-use URL on the streaming
 * server. The ports are only checked here: the client names the port of each connection.
 */
public final class PortForwardRpc {

    private final SandboxManager sandboxes;
    private final StreamUrls urls;

    public PortForwardRpc(SandboxManager sandboxes, StreamUrls urls) {
        this.sandboxes = sandboxes;
        this.urls = urls;
    }

    PortForwardResponse handle(PortForwardRequest request) {
        RequestChecks.id("PortForward", "pod_sandbox_id", request.getPodSandboxId());
        for (int port : request.getPortList()) {
            if (port < 1 || port > 65535) {
                throw new InvalidRequestException("PortForward: port " + port + " is not in 1..65535");
            }
        }
        PodSandbox pod = sandboxes.status(request.getPodSandboxId());
        if (!pod.isReady()) {
            throw new PodSandboxNotReadyException(
                    "PortForward: pod sandbox " + pod.id() + " is not ready, its network may be gone");
        }
        String url = urls.urlFor(new StreamRequest.PortForward(pod.id(), request.getPortList()));
        return PortForwardResponse.newBuilder().setUrl(url).build();
    }
}
