package dev.gantry.runtime.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.v1.DNSConfig;
import dev.gantry.cri.v1.LinuxPodSandboxConfig;
import dev.gantry.cri.v1.LinuxSandboxSecurityContext;
import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.NamespaceOption;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxMetadata;
import dev.gantry.cri.v1.PortMapping;
import dev.gantry.cri.v1.Protocol;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.UserNamespace;
import dev.gantry.sandbox.SandboxRequest;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RunPodSandboxRpcTest {

    private final RunPodSandboxRpc rpc = new RunPodSandboxRpc(null,
            h -> h.isEmpty() || h.equals("runc") ? Optional.of("runc") : Optional.empty());

    private static PodSandboxConfig.Builder config() {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("web").setNamespace("default").setUid("u-1").setAttempt(2))
                .setHostname("web")
                .setLogDirectory("/var/log/pods/default_web_u-1");
    }

    private SandboxRequest translate(UnaryOperator<PodSandboxConfig.Builder> change, String handler) {
        return rpc.translate(RunPodSandboxRequest.newBuilder().setConfig(change.apply(config())).setRuntimeHandler(handler).build());
    }

    private static void assertInvalid(Runnable call, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(message);
    }

    @Test
    void translate_fullConfig_carriesEverything() {
        SandboxRequest spec = translate(c -> c
                .setDnsConfig(DNSConfig.newBuilder().addServers("10.96.0.10").addSearches("svc.cluster.local").addOptions("ndots:5"))
                .addPortMappings(PortMapping.newBuilder().setProtocol(Protocol.UDP).setContainerPort(53).setHostPort(5353).setHostIp("127.0.0.1"))
                .addPortMappings(PortMapping.newBuilder().setContainerPort(80)) // no host port: not for portmap
                .putLabels("app", "web").putAnnotations("a", "b")
                .setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/kubepods/pod-u-1")
                        .putSysctls("net.ipv4.ip_forward", "1")
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE).setPid(NamespaceMode.POD).setIpc(NamespaceMode.POD)))), "");

        assertThat(spec.metadata().reservedName()).isEqualTo("web_default_u-1_2");
        assertThat(spec.runtimeHandler()).isEqualTo("runc");
        assertThat(spec.dns().servers()).containsExactly("10.96.0.10");
        assertThat(spec.portMappings()).singleElement().satisfies(p -> {
            assertThat(p.protocol()).isEqualTo("udp");
            assertThat(p.hostPort()).isEqualTo(5353);
            assertThat(p.containerPort()).isEqualTo(53);
            assertThat(p.hostIP()).isEqualTo("127.0.0.1");
        });
        assertThat(spec.labels()).isEqualTo(Map.of("app", "web"));
        assertThat(spec.cgroupParent()).isEqualTo("/kubepods/pod-u-1");
        assertThat(spec.hostNetwork()).isTrue();
        assertThat(spec.hostIpc()).isFalse();
        assertThat(spec.namespaces().pid()).isEqualTo(dev.gantry.sandbox.NamespaceMode.POD);
        assertThat(spec.sysctls()).containsEntry("net.ipv4.ip_forward", "1");
    }

    @Test
    void translate_badInput_invalidArgumentNamingTheField() {
        assertInvalid(() -> rpc.translate(RunPodSandboxRequest.getDefaultInstance()), "config is missing");
        assertInvalid(() -> translate(PodSandboxConfig.Builder::clearMetadata, ""), "metadata is missing");
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setName("")), ""), "metadata.name is empty");
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setUid("")), ""), "metadata.uid is empty");
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setNamespace("a/b")), ""), "metadata.namespace");
        assertInvalid(() -> translate(c -> c.setLogDirectory("relative/logs"), ""), "log_directory \"relative/logs\" must be an absolute path");
        assertInvalid(() -> translate(c -> c, "kata"), "runtime handler \"kata\" is not configured");
        assertInvalid(() -> translate(c -> c.addPortMappings(PortMapping.newBuilder().setContainerPort(0).setHostPort(80)), ""), "container_port 0");
        assertInvalid(() -> translate(c -> c.addPortMappings(PortMapping.newBuilder().setContainerPort(80).setHostPort(70000)), ""), "host_port 70000");
        assertInvalid(() -> translate(c -> c.setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("kubepods/../x")), ""), "cgroup_parent");
        assertInvalid(() -> translate(c -> c.setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                        .setUsernsOptions(UserNamespace.newBuilder().setMode(NamespaceMode.POD))))), ""), "user namespaces are not supported");
        assertInvalid(() -> translate(c -> c.setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                        .setPid(NamespaceMode.TARGET)))), ""), "namespace_options.pid TARGET");
    }

    @Test
    void translate_namesCniOrPathsCannotCarry_invalidArgumentNamingTheField() {
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setName("a=b")), ""), "metadata.name \"a=b\"");
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setNamespace("ns=x")), ""), "metadata.namespace");
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setUid("u=1")), ""), "metadata.uid");
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setName("..")), ""), "metadata.name");
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setName("a,b")), ""), "metadata.name");
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setName("x\0")), ""), "metadata.name \"x\\x00\"");
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setName("a".repeat(254))), ""),
                "metadata.name is 254 characters long, more than 253");
        assertInvalid(() -> translate(c -> c.setMetadata(c.getMetadata().toBuilder().setNamespace("n".repeat(64))), ""),
                "metadata.namespace is 64 characters long, more than 63");
    }

    @Test
    void translate_critestNames_accepted() {
        SandboxRequest spec = translate(c -> c.setMetadata(PodSandboxMetadata.newBuilder()
                .setName("create-Privileged-PodSandbox-for-container-4f9f4c3e-0a2b-11ef-9a47-0242ac120002")
                .setNamespace("cri-test-namespace4f9f4c3e-0a2b-11ef-9a47-0242ac120002")
                .setUid("cri-test-uid4f9f4c3e-0a2b-11ef-9a47-0242ac120002").setAttempt(2)), "");
        assertThat(spec.metadata().name()).startsWith("create-Privileged-PodSandbox");
    }

    @Test
    void translate_nulInLogDirectory_invalidArgumentNotInvalidPath() {
        assertInvalid(() -> translate(c -> c.setLogDirectory("/var/log/pods/x\0y"), ""), "config.log_directory holds a NUL");
        assertInvalid(() -> translate(c -> c.setLinux(LinuxPodSandboxConfig.newBuilder().setCgroupParent("/kubepods/\0")), ""),
                "config.linux.cgroup_parent holds a NUL");
        assertInvalid(() -> translate(c -> c.setLinux(LinuxPodSandboxConfig.newBuilder().putSysctls("net.core.somaxconn", "1\0")), ""),
                "config.linux.sysctls[\"net.core.somaxconn\"] holds a NUL");
    }

    @Test
    void translate_labelsOrAnnotationsOver256KiB_invalidArgument() {
        String big = "v".repeat(128 * 1024);
        assertInvalid(() -> translate(c -> c.putAnnotations("a", big).putAnnotations("b", big), ""),
                "annotations hold 262146 bytes in total, more than the 262144");
        assertInvalid(() -> translate(c -> c.putLabels("a", big).putLabels("b", big), ""), "labels hold");
        assertThat(translate(c -> c.putAnnotations("a", big), "").annotations()).containsKey("a");
    }

    @Test
    void translate_defaultHandler_resolvesToConfiguredName() {
        assertThat(translate(c -> c, "").runtimeHandler()).isEqualTo("runc");
        assertThat(translate(c -> c, "runc").runtimeHandler()).isEqualTo("runc");
    }
}
