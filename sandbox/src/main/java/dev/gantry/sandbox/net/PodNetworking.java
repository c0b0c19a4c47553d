package dev.gantry.sandbox.net;

import dev.gantry.cni.Attachment;
import dev.gantry.cni.CniNetwork;
import dev.gantry.cni.CniNetworks;
import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.cni.result.CniResult;
import dev.gantry.linux.net.Links;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.sandbox.files.DnsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Attaches a pod's network namespace to the node's CNI network and detaches it. The pod is
 * identified to plugins as the kubelet's runtimes do (CNI_CONTAINERID = sandbox id, CNI_IFNAME =
 * eth0, CNI_ARGS with K8S_POD_*), so IPAM leases and iptables rules carry the sandbox id.
 *
 * <p>"lo" is brought up by gantry itself (one ioctl in the namespace) rather than by the loopback
 * plugin: the same effect without a process start per pod.
 */
public final class PodNetworking {

    public static final String INTERFACE = "eth0";

    /** What an ADD gave the pod: the network used (DEL must name it) and the pod's IPs, IPv4 first. */
    public record Attached(String network, String interfaceName, List<String> ips, CniResult result) {}

    private final CniNetworks networks;
    private final NamespaceRunner runner;
    private final NetworkListener listener;
    private final PodCidrs podCidrs;

    public PodNetworking(CniNetworks networks, NamespaceRunner runner) {
        this(networks, runner, NetworkListener.NONE, new PodCidrs());
    }

    /**
     * @param listener told of each ADD and DEL chain (the daemon's metrics)
     * @param podCidrs the node's pod CIDRs, passed to IPAM plugins that declare {@code ipRanges}
     */
    public PodNetworking(CniNetworks networks, NamespaceRunner runner, NetworkListener listener, PodCidrs podCidrs) {
        this.networks = networks;
        this.runner = runner;
        this.listener = listener;
        this.podCidrs = podCidrs;
    }

    public CniNetworks networks() {
        return networks;
    }

    /** Brings up the pod's "lo"; independent of the ADD chain, so it may run beside it. */
    public void loopbackUp(Path netns) throws Exception {
        runner.runIn(netns, NamespaceType.NET, () -> {
            Links.up("lo");
            return null;
        });
    }

    /**
     * Runs the ADD chain. On failure nothing is undone here: the caller's rollback calls {@link
     * #detach}, which is idempotent.
     *
     * @throws dev.gantry.common.errors.GantryException FAILED_PRECONDITION when the pod network is not
     *     ready; INTERNAL with the plugin's code and message when a plugin fails
     */
    public Attached attach(String podId, Path netns, PodIdentity metadata, RuntimeConfig capabilities) {
        CniNetwork network = networks.require();
        NetworkListener.Call call = listener.started(NetworkListener.Operation.ADD);
        CniResult result;
        try {
            result = network.add(attachment(podId, netns, metadata, capabilities.withIpRanges(podCidrs.current())));
        } catch (RuntimeException e) {
            call.failed();
            throw e;
        }
        call.succeeded();
        return new Attached(network.name(), INTERFACE, ips(result), result);
    }

    /** Runs the DEL chain of the network the pod was attached to; idempotent (the kubelet retries Stop). */
    public void detach(String podId, Path netns, PodIdentity metadata, String network) {
        NetworkListener.Call call = listener.started(NetworkListener.Operation.DEL);
        try {
            networks.detach(network, attachment(podId, netns, metadata, RuntimeConfig.NONE));
        } catch (RuntimeException e) {
            call.failed();
            throw e;
        }
        call.succeeded();
    }

    /** The ADD result kept for the pod, e.g. for verbose status after a restart. */
    public Optional<CniResult> result(String podId, Path netns, PodIdentity metadata, String network) {
        return networks.cachedResult(network, attachment(podId, netns, metadata, RuntimeConfig.NONE));
    }

    /** The pod's addresses from a result: IPv4 first, then IPv6, each family in the plugin's order. */
    public static List<String> ips(CniResult result) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (CniResult.IpConfig ip : result.ips()) {
            (ip.isIPv6() ? v6 : v4).add(ip.addressWithoutPrefix());
        }
        v4.addAll(v6);
        return List.copyOf(v4);
    }

    /** The capability arguments of a pod: its host ports, its bandwidth annotations and its DNS. */
    public static RuntimeConfig capabilities(List<RuntimeConfig.PortMapping> ports, Map<String, String> annotations, DnsConfig dns) {
        RuntimeConfig.Dns cniDns = dns.isEmpty() ? null : new RuntimeConfig.Dns(dns.servers(), dns.searches(), dns.options());
        return new RuntimeConfig(ports, Bandwidths.fromAnnotations(annotations).orElse(null), cniDns, List.of());
    }

    private static Attachment attachment(String podId, Path netns, PodIdentity metadata, RuntimeConfig capabilities) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("IgnoreUnknown", "1");
        args.put("K8S_POD_NAMESPACE", metadata.namespace());
        args.put("K8S_POD_NAME", metadata.name());
        args.put("K8S_POD_INFRA_CONTAINER_ID", podId);
        args.put("K8S_POD_UID", metadata.uid());
        return new Attachment(podId, netns, INTERFACE, args, capabilities);
    }
}
