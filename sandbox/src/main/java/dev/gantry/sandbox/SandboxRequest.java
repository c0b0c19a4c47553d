package dev.gantry.sandbox;

import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.sandbox.files.DnsConfig;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What RunPodSandbox asks for, translated from the CRI's PodSandboxConfig and checked for shape by
 * the RPC layer; {@link SandboxManager} checks the rest (hostname rules, sysctls, handler).
 *
 * @param hostname requested hostname; "" means the node's (host network)
 * @param logDirectory absolute directory for the containers' logs, or ""
 * @param portMappings host port mappings for the CNI portmap plugin
 * @param cgroupParent the kubelet's pod cgroup (cgroupfs path), or "" for none
 * @param runtimeHandler the configured handler name the pod runs with (already resolved from "")
 */
public record SandboxRequest(
        SandboxMetadata metadata,
        String hostname,
        String logDirectory,
        DnsConfig dns,
        List<RuntimeConfig.PortMapping> portMappings,
        Map<String, String> labels,
        Map<String, String> annotations,
        String runtimeHandler,
        String cgroupParent,
        NamespaceOptions namespaces,
        Map<String, String> sysctls) {

    public SandboxRequest {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(logDirectory, "logDirectory");
        Objects.requireNonNull(dns, "dns");
        portMappings = List.copyOf(portMappings);
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        Objects.requireNonNull(runtimeHandler, "runtimeHandler");
        Objects.requireNonNull(cgroupParent, "cgroupParent");
        Objects.requireNonNull(namespaces, "namespaces");
        sysctls = Map.copyOf(sysctls);
    }

    public boolean hostNetwork() {
        return namespaces.network() == NamespaceMode.NODE;
    }

    public boolean hostIpc() {
        return namespaces.ipc() == NamespaceMode.NODE;
    }
}
