package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.LinuxPodSandboxStatus;
import dev.gantry.cri.v1.PodIP;
import dev.gantry.cri.v1.PodSandboxNetworkStatus;
import dev.gantry.cri.v1.PodSandboxStatus;

import dev.gantry.cri.v1.Namespace;
import dev.gantry.cri.v1.NamespaceOption;
import dev.gantry.cri.v1.PodSandbox;
import dev.gantry.cri.v1.PodSandboxMetadata;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.sandbox.NamespaceMode;
import dev.gantry.sandbox.NamespaceOptions;
import dev.gantry.sandbox.SandboxMetadata;
import java.time.Instant;
import java.util.List;

/** Domain sandbox → CRI messages, shared by Status and List. */
final class SandboxMessages {

    private SandboxMessages() {}

    static PodSandbox toProto(dev.gantry.sandbox.PodSandbox pod) {
        return PodSandbox.newBuilder()
                .setId(pod.id())
                .setMetadata(metadata(pod.metadata()))
                .setState(state(pod))
                .setCreatedAt(nanos(pod.createdAt()))
                .putAllLabels(pod.labels())
                .putAllAnnotations(pod.annotations())
                .setRuntimeHandler(pod.runtimeHandler())
                .build();
    }

    static PodSandboxMetadata metadata(SandboxMetadata m) {
        return PodSandboxMetadata.newBuilder()
                .setName(m.name()).setNamespace(m.namespace()).setUid(m.uid()).setAttempt(m.attempt()).build();
    }

    static PodSandboxState state(dev.gantry.sandbox.PodSandbox pod) {
        return pod.isReady() ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
    }

    static Namespace namespaces(NamespaceOptions options) {
        return Namespace.newBuilder().setOptions(NamespaceOption.newBuilder()
                .setNetwork(mode(options.network()))
                .setPid(mode(options.pid()))
                .setIpc(mode(options.ipc()))).build();
    }

    private static dev.gantry.cri.v1.NamespaceMode mode(NamespaceMode mode) {
        return switch (mode) {
            case POD -> dev.gantry.cri.v1.NamespaceMode.POD;
            case CONTAINER -> dev.gantry.cri.v1.NamespaceMode.CONTAINER;
            case NODE -> dev.gantry.cri.v1.NamespaceMode.NODE;
        };
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** The CRI status of a pod: PodSandboxStatus and every container event carry it. */
    static PodSandboxStatus.Builder status(dev.gantry.sandbox.PodSandbox pod) {
        PodSandboxStatus.Builder status = PodSandboxStatus.newBuilder()
                .setId(pod.id())
                .setMetadata(metadata(pod.metadata()))
                .setState(state(pod))
                .setCreatedAt(nanos(pod.createdAt()))
                .setLinux(LinuxPodSandboxStatus.newBuilder().setNamespaces(namespaces(pod.namespaces())))
                .putAllLabels(pod.labels())
                .putAllAnnotations(pod.annotations())
                .setRuntimeHandler(pod.runtimeHandler());
        List<String> ips = pod.network().ips();
        if (!ips.isEmpty()) {
            PodSandboxNetworkStatus.Builder network = PodSandboxNetworkStatus.newBuilder().setIp(ips.get(0));
            ips.subList(1, ips.size()).forEach(ip -> network.addAdditionalIps(PodIP.newBuilder().setIp(ip)));
            status.setNetwork(network);
        }
        return status;
    }
}
