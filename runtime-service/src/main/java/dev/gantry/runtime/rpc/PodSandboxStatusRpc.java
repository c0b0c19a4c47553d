package dev.gantry.runtime.rpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.cri.v1.PodSandboxStatus;
import dev.gantry.cri.v1.PodSandboxStatusRequest;
import dev.gantry.cri.v1.PodSandboxStatusResponse;
import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.SandboxManager;
import dev.gantry.sandbox.SandboxState;
import java.time.Clock;

/**
 * PodSandboxStatus, from memory. Verbose adds {@code info["info"]}: a JSON object with where the
 * pod's things are on the node (namespace pins, infra pid, cgroup, /dev/shm, pod directory) and the
 * raw CNI result, for operators and tests ({@code crictl inspectp}).
 */
public final class PodSandboxStatusRpc {

    private final SandboxManager sandboxes;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();

    public PodSandboxStatusRpc(SandboxManager sandboxes, Clock clock) {
        this.sandboxes = sandboxes;
        this.clock = clock;
    }

    PodSandboxStatusResponse handle(PodSandboxStatusRequest request) throws Exception {
        RequestChecks.id("PodSandboxStatus", "pod_sandbox_id", request.getPodSandboxId());
        PodSandbox pod = sandboxes.status(request.getPodSandboxId());
        PodSandboxStatus.Builder status = SandboxMessages.status(pod);
        PodSandboxStatusResponse.Builder response = PodSandboxStatusResponse.newBuilder()
                .setStatus(status)
                .setTimestamp(SandboxMessages.nanos(clock.instant()));
        if (request.getVerbose()) {
            response.putInfo("info", mapper.writeValueAsString(info(pod)));
        }
        return response.build();
    }

    private ObjectNode info(PodSandbox pod) {
        ObjectNode info = mapper.createObjectNode();
        info.put("podDirectory", pod.paths().podDirectory());
        info.put("netnsPath", pod.paths().namespacePaths().getOrDefault("net", ""));
        info.put("ipcnsPath", pod.paths().namespacePaths().getOrDefault("ipc", ""));
        info.put("utsnsPath", pod.paths().namespacePaths().getOrDefault("uts", ""));
        info.put("infraPid", pod.infra().map(p -> p.pid()).orElse(0L));
        info.put("cgroupParent", pod.cgroupParent());
        info.put("shmPath", pod.paths().shmPath());
        info.put("hostname", pod.hostname());
        info.put("runtimeHandler", pod.runtimeHandler());
        info.put("cniNetwork", pod.network().cniNetworkName());
        if (pod.state() instanceof SandboxState.NotReady notReady) {
            info.put("notReadyReason", notReady.reason());
        }
        sandboxes.networkResult(pod).ifPresent(result -> info.set("cniResult", result.raw()));
        return info;
    }
}
