package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.UpdateRuntimeConfigRequest;
import dev.gantry.cri.v1.UpdateRuntimeConfigResponse;
import dev.gantry.sandbox.net.PodCidrs;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UpdateRuntimeConfig: the kubelet tells the runtime the node's pod CIDR once the node has one.
 * Validated (INVALID_ARGUMENT for anything but one CIDR per family; "" clears), remembered, reported
 * by verbose Status, and given to IPAM plugins that declare the {@code ipRanges} capability. Unlike
 * containerd we write no CNI config from a template: the config dir belongs to the operator or the
 * network add-on.
 */
public final class UpdateRuntimeConfigRpc {

    private static final Logger log = LoggerFactory.getLogger(UpdateRuntimeConfigRpc.class);

    private final PodCidrs podCidrs;

    public UpdateRuntimeConfigRpc(PodCidrs podCidrs) {
        this.podCidrs = podCidrs;
    }

    UpdateRuntimeConfigResponse handle(UpdateRuntimeConfigRequest request) {
        List<String> before = podCidrs.current();
        List<String> now = podCidrs.update(request.getRuntimeConfig().getNetworkConfig().getPodCidr());
        if (!now.equals(before)) {
            log.info("pod CIDRs now {} (were {})", now, before);
        }
        return UpdateRuntimeConfigResponse.getDefaultInstance();
    }
}
