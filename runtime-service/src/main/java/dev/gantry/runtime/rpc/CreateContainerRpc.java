package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.CreateContainerResponse;
import dev.gantry.runtime.pod.PodCoordinator;

/**
 * CreateContainer: the ContainerConfig and the pod's config travel down as the spec of what to build.
 * The container's name, NULs and the size of its labels and annotations are checked here
 * ({@link RequestChecks}); everything that needs the pod or the image is checked below.
 */
public final class CreateContainerRpc {

    private static final String RPC = "CreateContainer";

    private final PodCoordinator pods;

    public CreateContainerRpc(PodCoordinator pods) {
        this.pods = pods;
    }

    CreateContainerResponse handle(CreateContainerRequest request) throws Exception {
        check(request);
        var container = pods.createContainer(request.getPodSandboxId(), request.getConfig(), request.getSandboxConfig(),
                CallerGone.ofCurrentCall());
        return CreateContainerResponse.newBuilder().setContainerId(container.id()).build();
    }

    static void check(CreateContainerRequest request) {
        RequestChecks.id(RPC, "pod_sandbox_id", request.getPodSandboxId());
        if (!request.hasConfig()) {
            throw RequestChecks.invalid(RPC, "config is required");
        }
        ContainerConfig config = request.getConfig();
        if (!config.hasMetadata()) {
            throw RequestChecks.invalid(RPC, "config.metadata is required");
        }
        // Container names are DNS labels in Kubernetes, but critest's run to 86 characters.
        RequestChecks.name(RPC, "config.metadata.name", config.getMetadata().getName(), RequestChecks.MAX_SUBDOMAIN);
        RequestChecks.noNul(RPC, "config", config);
        RequestChecks.noNul(RPC, "sandbox_config", request.getSandboxConfig());
        RequestChecks.metadataSize(RPC, "config.labels", config.getLabelsMap());
        RequestChecks.metadataSize(RPC, "config.annotations", config.getAnnotationsMap());
    }
}
