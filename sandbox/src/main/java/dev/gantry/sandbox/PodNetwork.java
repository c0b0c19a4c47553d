package dev.gantry.sandbox;

import java.util.List;
import java.util.Objects;

/**
 * Where a pod's network lives and what CNI gave it.
 *
 * @param hostNetwork true when the pod uses the node's network; then there is no namespace path and no CNI attachment
 * @param namespacePath the pinned network namespace ("" for host network)
 * @param ips the pod's addresses, the primary first ("" entries are not allowed)
 * @param cniNetworkName the CNI network attached ("" if none yet)
 * @param interfaceName the pod-side interface ("" if none yet)
 */
public record PodNetwork(boolean hostNetwork, String namespacePath, List<String> ips, String cniNetworkName, String interfaceName) {

    public PodNetwork {
        Objects.requireNonNull(namespacePath, "namespacePath");
        ips = List.copyOf(ips);
        Objects.requireNonNull(cniNetworkName, "cniNetworkName");
        Objects.requireNonNull(interfaceName, "interfaceName");
    }

    public static PodNetwork host() {
        return new PodNetwork(true, "", List.of(), "", "");
    }

    /** A pod network namespace with no CNI attachment yet. */
    public static PodNetwork namespace(String namespacePath) {
        return new PodNetwork(false, namespacePath, List.of(), "", "");
    }

    public PodNetwork withAttachment(String cniNetworkName, String interfaceName, List<String> ips) {
        return new PodNetwork(hostNetwork, namespacePath, ips, cniNetworkName, interfaceName);
    }

    /** The primary IP, or "" when there is none (host network, or not attached). */
    public String primaryIp() {
        return ips.isEmpty() ? "" : ips.get(0);
    }
}
