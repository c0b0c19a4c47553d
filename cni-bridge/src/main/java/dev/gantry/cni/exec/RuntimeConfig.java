package dev.gantry.cni.exec;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Capability arguments for plugins (the CNI CONVENTIONS "runtimeConfig"): each reaches only the plugins
 * that declare it in their {@code capabilities}. Null or empty means "not requested".
 */
public record RuntimeConfig(
        List<PortMapping> portMappings, @Nullable Bandwidth bandwidth, @Nullable Dns dns, List<String> ips, List<String> ipRanges) {

    public static final RuntimeConfig NONE = new RuntimeConfig(List.of(), null, null, List.of());

    /**
     * @param ipRanges subnets to allocate from (the node's pod CIDRs from UpdateRuntimeConfig), one
     *     range set each, for IPAM plugins that declare {@code ipRanges} (host-local does)
     */
    public RuntimeConfig {
        portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
        ips = ips == null ? List.of() : List.copyOf(ips);
        ipRanges = ipRanges == null ? List.of() : List.copyOf(ipRanges);
    }

    public RuntimeConfig(List<PortMapping> portMappings, @Nullable Bandwidth bandwidth, @Nullable Dns dns, List<String> ips) {
        this(portMappings, bandwidth, dns, ips, List.of());
    }

    /** The same arguments with {@code subnets} as the ranges to allocate from. */
    public RuntimeConfig withIpRanges(List<String> subnets) {
        return new RuntimeConfig(portMappings, bandwidth, dns, ips, subnets);
    }

    /** @param protocol "tcp", "udp" or "sctp"; hostIP may be null */
    public record PortMapping(int hostPort, int containerPort, String protocol, @Nullable String hostIP) {}

    /** Rates in bits per second, bursts in bits, as the bandwidth plugin expects. */
    public record Bandwidth(long ingressRate, long ingressBurst, long egressRate, long egressBurst) {}

    public record Dns(List<String> servers, List<String> searches, List<String> options) {}
}
