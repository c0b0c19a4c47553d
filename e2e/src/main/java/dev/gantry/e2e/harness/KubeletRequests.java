package dev.gantry.e2e.harness;

import dev.gantry.cri.v1.Capability;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerMetadata;
import dev.gantry.cri.v1.ContainerStatusRequest;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.DNSConfig;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.KeyValue;
import dev.gantry.cri.v1.LinuxContainerConfig;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.LinuxPodSandboxConfig;
import dev.gantry.cri.v1.LinuxSandboxSecurityContext;
import dev.gantry.cri.v1.Mount;
import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.NamespaceOption;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxMetadata;
import dev.gantry.cri.v1.PortMapping;
import dev.gantry.cri.v1.Protocol;
import dev.gantry.cri.v1.RemoveContainerRequest;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.SecurityProfile;
import dev.gantry.cri.v1.StartContainerRequest;
import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.UserNamespace;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.PodConfigs;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;

/**
 * Requests shaped as the kubelet sends them for a pod and its container, each made to fail at the
 * end of the daemon's checks, so the class-data cache holds what reading and checking them needs
 * (the CRI messages, their maps and nested types, the checks) without a pod, a network or root at
 * build time. The first pod after a start then no longer loads those classes from the jars: they
 * were about half of its RunPodSandbox's CPU.
 */
final class KubeletRequests {

    private static final String UNKNOWN_ID = "f".repeat(64);
    /** The kubelet's defaults: network and IPC of the pod, a PID namespace per container. */
    private static final NamespaceOption KUBELET_NAMESPACES =
            PodConfigs.namespaces(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD);
    private static final SecurityProfile RUNTIME_DEFAULT =
            SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault).build();

    private KubeletRequests() {}

    /** Sends each request; fails unless the daemon refuses it the way it should. */
    static void rejected(CriClient client, Path dir) {
        PodSandboxConfig pod = pod(dir);
        // A user namespace is refused, and it is the last thing checked: the whole config is read first.
        PodSandboxConfig.Builder withUserns = pod.toBuilder();
        withUserns.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder()
                .setUsernsOptions(UserNamespace.newBuilder().setMode(NamespaceMode.POD));
        expect(Status.Code.INVALID_ARGUMENT, () -> client.runtime().runPodSandbox(
                RunPodSandboxRequest.newBuilder().setConfig(withUserns).build()));
        // The whole request is checked before the pod is looked up.
        expect(Status.Code.NOT_FOUND, () -> client.runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(UNKNOWN_ID).setConfig(container()).setSandboxConfig(pod).build()));
        expect(Status.Code.NOT_FOUND, () -> client.runtime().startContainer(
                StartContainerRequest.newBuilder().setContainerId(UNKNOWN_ID).build()));
        expect(Status.Code.NOT_FOUND, () -> client.runtime().containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(UNKNOWN_ID).build()));
        // Stop and remove are idempotent: an unknown id is already stopped and removed.
        client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(UNKNOWN_ID).setTimeout(30).build());
        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(UNKNOWN_ID).build());
    }

    private static PodSandboxConfig pod(Path dir) {
        String uid = "0a1b2c3d-4e5f-4a5b-8c7d-9e0f1a2b3c4d";
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("training").setNamespace("default").setUid(uid))
                .setHostname("training")
                .setLogDirectory(dir.resolve("pods").resolve("default_training_" + uid).toString())
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10")
                        .addSearches("default.svc.cluster.local").addSearches("svc.cluster.local").addOptions("ndots:5"))
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.TCP).setContainerPort(8080).setHostPort(18080))
                .putLabels("io.kubernetes.pod.name", "training")
                .putLabels("io.kubernetes.pod.namespace", "default")
                .putLabels("io.kubernetes.pod.uid", uid)
                .putLabels("app", "training")
                .putAnnotations("kubernetes.io/config.seen", "2026-01-01T00:00:00.000000000Z")
                .putAnnotations("kubernetes.io/config.source", "api")
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setCgroupParent("/kubepods/besteffort/pod" + uid)
                        .putSysctls("net.ipv4.ip_unprivileged_port_start", "0")
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                                .setNamespaceOptions(KUBELET_NAMESPACES)
                                .setSeccomp(RUNTIME_DEFAULT)))
                .build();
    }

    private static ContainerConfig container() {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("main"))
                .setImage(ImageSpec.newBuilder().setImage("docker.io/library/busybox:latest").setUserSpecifiedImage("busybox"))
                .addCommand("sleep").addArgs("3600")
                .setWorkingDir("/")
                .addEnvs(KeyValue.newBuilder().setKey("KUBERNETES_SERVICE_HOST").setValue("10.96.0.1"))
                .addEnvs(KeyValue.newBuilder().setKey("KUBERNETES_SERVICE_PORT").setValue("443"))
                .addMounts(Mount.newBuilder().setContainerPath("/etc/hosts").setHostPath("/var/lib/kubelet/pods/training/etc-hosts"))
                .addMounts(Mount.newBuilder().setContainerPath("/dev/termination-log")
                        .setHostPath("/var/lib/kubelet/pods/training/containers/main/0"))
                .addMounts(Mount.newBuilder().setContainerPath("/var/run/secrets/kubernetes.io/serviceaccount")
                        .setHostPath("/var/lib/kubelet/pods/training/volumes/token").setReadonly(true))
                .putLabels("io.kubernetes.container.name", "main")
                .putLabels("io.kubernetes.pod.name", "training")
                .putLabels("io.kubernetes.pod.namespace", "default")
                .putAnnotations("io.kubernetes.container.restartCount", "0")
                .putAnnotations("io.kubernetes.container.terminationMessagePath", "/dev/termination-log")
                .setLogPath("main/0.log")
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(LinuxContainerResources.newBuilder().setCpuPeriod(100000).setCpuShares(2)
                                .setOomScoreAdj(1000).setMemoryLimitInBytes(0))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setCapabilities(Capability.newBuilder().addDropCapabilities("NET_RAW"))
                                .setNamespaceOptions(KUBELET_NAMESPACES)
                                .addMaskedPaths("/proc/kcore").addReadonlyPaths("/proc/sys")
                                .setSeccomp(RUNTIME_DEFAULT)))
                .build();
    }

    private static void expect(Status.Code code, Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == code) {
                return;
            }
            throw new IllegalStateException("training request: expected " + code + ", got " + e.getStatus(), e);
        }
        throw new IllegalStateException("training request: expected " + code + ", but it succeeded");
    }
}
