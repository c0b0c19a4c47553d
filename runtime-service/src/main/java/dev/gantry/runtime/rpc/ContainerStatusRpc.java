package dev.gantry.runtime.rpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.cri.v1.ContainerStatusRequest;
import dev.gantry.cri.v1.ContainerStatusResponse;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerManager;

/**
 * ContainerStatus, from memory. Verbose adds {@code info["info"]}: a JSON object with the pid, the
 * pod, the cgroup path, the runtime handler and the OCI spec the container runs with ({@code crictl inspect}).
 */
public final class ContainerStatusRpc {

    private final ContainerManager containers;
    private final ObjectMapper mapper = new ObjectMapper();

    public ContainerStatusRpc(ContainerManager containers) {
        this.containers = containers;
    }

    ContainerStatusResponse handle(ContainerStatusRequest request) throws Exception {
        RequestChecks.id("ContainerStatus", "container_id", request.getContainerId());
        Container c = containers.status(request.getContainerId());
        ContainerStatusResponse.Builder response = ContainerStatusResponse.newBuilder().setStatus(ContainerMessages.status(c));
        if (request.getVerbose()) {
            response.putInfo("info", mapper.writeValueAsString(info(c)));
        }
        return response.build();
    }

    private ObjectNode info(Container c) throws Exception {
        ObjectNode info = mapper.createObjectNode();
        info.put("pid", c.state().isLive() ? c.pid() : 0);
        info.put("sandboxID", c.podId());
        info.put("cgroupsPath", c.cgroupsPath());
        info.put("runtimeHandler", c.runtimeHandler());
        info.put("reservedName", c.reservedName());
        var spec = containers.specJson(c);
        if (spec.isPresent()) {
            info.set("runtimeSpec", mapper.readTree(spec.get()));
        }
        return info;
    }
}
