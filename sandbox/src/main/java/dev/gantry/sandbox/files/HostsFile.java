package dev.gantry.sandbox.files;

import dev.gantry.common.errors.GantryException;
import dev.gantry.sandbox.errors.InvalidPodConfigException;
import java.util.List;

/**
 * Renders a pod's /etc/hosts. A pod with its own network namespace gets the same loopback and IPv6
 * boilerplate as the kubelet's managed hosts file, then one {@code <ip>\t<hostname>} line per pod IP
 * (the kubelet's form when the pod has no subdomain; the CRI request carries none). A host-network
 * pod sees the node's addresses, so it gets the node's /etc/hosts unchanged.
 *
 * <p>The kubelet's header comment ("# Kubernetes-managed hosts file.") is left out: this file is
 * ours, and for pods with their own network the kubelet mounts its own file over it anyway.
 */
public final class HostsFile {

    static final String BOILERPLATE = """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            fe00::0\tip6-mcastprefix
            fe00::1\tip6-allnodes
            fe00::2\tip6-allrouters
            """;

    private HostsFile() {}

    /**
     * The hosts file of a pod with its own network namespace; {@code podIps} in the order CNI gave
     * them, possibly none (before or without a network attachment).
     *
     * @throws GantryException INVALID_ARGUMENT when an entry of {@code podIps} is not an IP address
     */
    public static String managed(Hostname hostname, List<String> podIps) {
        StringBuilder text = new StringBuilder(BOILERPLATE);
        for (String ip : podIps) {
            if (ip == null || !(IpLiteral.isIpv4(ip) || IpLiteral.isIpv6(ip, false))) {
                throw new InvalidPodConfigException("pod hosts file for " + hostname + ": pod IP '" + ip + "' is not an IPv4 or IPv6 address");
            }
            text.append(ip).append('\t').append(hostname.value()).append('\n');
        }
        return text.toString();
    }

    /** The hosts file of a host-network pod: the node's /etc/hosts text, unchanged. */
    public static String hostNetwork(String nodeHosts) {
        return nodeHosts;
    }
}
