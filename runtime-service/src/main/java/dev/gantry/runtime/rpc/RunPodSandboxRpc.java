package dev.gantry.runtime.rpc;

import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.v1.DNSConfig;
import dev.gantry.cri.v1.NamespaceOption;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxMetadata;
import dev.gantry.cri.v1.PortMapping;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.RunPodSandboxResponse;
import dev.gantry.sandbox.NamespaceMode;
import dev.gantry.sandbox.NamespaceOptions;
import dev.gantry.sandbox.SandboxManager;
import dev.gantry.sandbox.SandboxMetadata;
import dev.gantry.sandbox.SandboxRequest;
import dev.gantry.sandbox.files.DnsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * RunPodSandbox: checks the request's shape, translates it to a {@link SandboxRequest} and runs it.
 * Hostname, DNS and sysctl rules are the sandbox module's; this class refuses only what has no
 * meaning at all (no metadata, names {@link RequestChecks} refuses, NULs, oversized labels or
 * annotations, a relative log directory, an unknown handler, bad ports).
 */
public final class RunPodSandboxRpc {

    private static final String RPC = "RunPodSandbox";

    private final SandboxManager sandboxes;
    private final Function<String, Optional<String>> handlers;

    /** @param handlers resolves a requested runtime handler ("" = the default) to a configured one */
    public RunPodSandboxRpc(SandboxManager sandboxes, Function<String, Optional<String>> handlers) {
        this.sandboxes = sandboxes;
        this.handlers = handlers;
    }

    RunPodSandboxResponse handle(RunPodSandboxRequest request) throws Exception {
        SandboxRequest spec = translate(request);
        String id = sandboxes.run(spec, CallerGone.ofCurrentCall()).id();
        return RunPodSandboxResponse.newBuilder().setPodSandboxId(id).build();
    }

    SandboxRequest translate(RunPodSandboxRequest request) {
        if (!request.hasConfig()) {
            throw invalid("config is missing");
        }
        PodSandboxConfig config = request.getConfig();
        SandboxMetadata metadata = metadata(config);
        RequestChecks.noNul(RPC, "config", config);
        RequestChecks.metadataSize(RPC, "labels", config.getLabelsMap());
        RequestChecks.metadataSize(RPC, "annotations", config.getAnnotationsMap());
        String handler = handlers.apply(request.getRuntimeHandler()).orElseThrow(() -> invalid(
                "runtime handler \"" + request.getRuntimeHandler() + "\" is not configured"));
        String logDirectory = config.getLogDirectory();
        if (!logDirectory.isEmpty() && !Path.of(logDirectory).isAbsolute()) {
            throw invalid("log_directory " + RequestChecks.quote(logDirectory) + " must be an absolute path");
        }
        var linux = config.getLinux();
        String cgroupParent = linux.getCgroupParent();
        if (!cgroupParent.isEmpty() && (!cgroupParent.startsWith("/") || cgroupParent.contains("..")) && !cgroupParent.endsWith(".slice")) {
            throw invalid("cgroup_parent \"" + cgroupParent + "\" must be an absolute cgroupfs path or a systemd slice");
        }
        DNSConfig dns = config.getDnsConfig();
        return new SandboxRequest(
                metadata,
                config.getHostname(),
                logDirectory,
                new DnsConfig(dns.getServersList(), dns.getSearchesList(), dns.getOptionsList()),
                ports(config.getPortMappingsList()),
                config.getLabelsMap(),
                config.getAnnotationsMap(),
                handler,
                cgroupParent,
                namespaces(linux.getSecurityContext().getNamespaceOptions()),
                linux.getSysctlsMap());
    }

    private static SandboxMetadata metadata(PodSandboxConfig config) {
        if (!config.hasMetadata()) {
            throw invalid("metadata is missing");
        }
        PodSandboxMetadata m = config.getMetadata();
        RequestChecks.name(RPC, "metadata.name", m.getName(), RequestChecks.MAX_SUBDOMAIN);
        RequestChecks.name(RPC, "metadata.namespace", m.getNamespace(), RequestChecks.MAX_LABEL);
        RequestChecks.name(RPC, "metadata.uid", m.getUid(), RequestChecks.MAX_SUBDOMAIN);
        if (m.getAttempt() < 0) {
            throw invalid("metadata.attempt " + m.getAttempt() + " is negative");
        }
        return new SandboxMetadata(m.getName(), m.getNamespace(), m.getUid(), m.getAttempt());
    }

    private static NamespaceOptions namespaces(NamespaceOption options) {
        if (options.hasUsernsOptions() && options.getUsernsOptions().getMode() != dev.gantry.cri.v1.NamespaceMode.NODE) {
            throw invalid("user namespaces are not supported: namespace_options.userns_options.mode must be NODE");
        }
        return new NamespaceOptions(podOrNode("network", options.getNetwork()), pid(options.getPid()), podOrNode("ipc", options.getIpc()));
    }

    /** Network and IPC are per pod or the node's: a sandbox has no container to give its own. */
    private static NamespaceMode podOrNode(String which, dev.gantry.cri.v1.NamespaceMode mode) {
        return switch (mode) {
            case POD, CONTAINER -> NamespaceMode.POD;
            case NODE -> NamespaceMode.NODE;
            default -> throw invalid("namespace_options." + which + " " + mode + " is not valid for a pod sandbox");
        };
    }

    private static NamespaceMode pid(dev.gantry.cri.v1.NamespaceMode mode) {
        return switch (mode) {
            case POD -> NamespaceMode.POD;
            case CONTAINER -> NamespaceMode.CONTAINER;
            case NODE -> NamespaceMode.NODE;
            default -> throw invalid("namespace_options.pid " + mode + " is not valid for a pod sandbox");
        };
    }

    /** Mappings with a host port, for the CNI portmap plugin; those without one only document the pod. */
    private static List<RuntimeConfig.PortMapping> ports(List<PortMapping> mappings) {
        List<RuntimeConfig.PortMapping> out = new ArrayList<>();
        for (PortMapping p : mappings) {
            if (p.getContainerPort() < 1 || p.getContainerPort() > 65535) {
                throw invalid("port mapping container_port " + p.getContainerPort() + " is not between 1 and 65535");
            }
            if (p.getHostPort() < 0 || p.getHostPort() > 65535) {
                throw invalid("port mapping host_port " + p.getHostPort() + " is not between 0 and 65535");
            }
            if (p.getHostPort() == 0) {
                continue;
            }
            String protocol = switch (p.getProtocol()) {
                case TCP, UDP, SCTP -> p.getProtocol().name().toLowerCase(Locale.ROOT);
                default -> throw invalid("port mapping protocol " + p.getProtocolValue() + " is unknown");
            };
            out.add(new RuntimeConfig.PortMapping(p.getHostPort(), p.getContainerPort(), protocol,
                    p.getHostIp().isEmpty() ? null : p.getHostIp()));
        }
        return out;
    }

    private static GantryException invalid(String message) {
        return RequestChecks.invalid(RPC, message);
    }
}
