package dev.gantry.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.cri.v1.RuntimeCondition;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests the daemon must refuse, and networks it cannot use: the right status code, a message
 * that names the problem, and nothing left behind (see {@link PodTraces#anyLeft}).
 */
class SandboxBadInputIT {

    @RegisterExtension
    final TestNode node = TestNode.sandbox();

    @Test
    void run_noMetadata_invalidArgument() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("nometa").clearMetadata().build();

        assertRefused(() -> pods.run(config), Status.Code.INVALID_ARGUMENT, "metadata");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    @Test
    void run_emptyName_invalidArgument() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig.Builder builder = node.pod("noname");
        builder.getMetadataBuilder().clearName();
        PodSandboxConfig config = builder.build();

        assertRefused(() -> pods.run(config), Status.Code.INVALID_ARGUMENT, "name");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    /** '=' would reach CNI_ARGS as K8S_POD_NAME=a=b, which plugins refuse on ADD and DEL alike. */
    @Test
    void run_equalsInNameNamespaceOrUid_invalidArgumentLeavingNothing() {
        PodCalls pods = new PodCalls(node.start());
        for (String field : new String[] {"name", "namespace", "uid"}) {
            PodSandboxConfig.Builder builder = node.pod("eq-" + field);
            switch (field) {
                case "name" -> builder.getMetadataBuilder().setName("a=b");
                case "namespace" -> builder.getMetadataBuilder().setNamespace("a=b");
                default -> builder.getMetadataBuilder().setUid("a=b");
            }
            PodSandboxConfig config = builder.build();

            assertRefused(() -> pods.run(config), Status.Code.INVALID_ARGUMENT, "metadata." + field + " \"a=b\"");
            assertThat(PodTraces.anyLeft(node, config)).isEmpty();
        }
    }

    /** Kubernetes' lengths: pod names and uids are DNS subdomains (253), namespaces DNS labels (63). */
    @Test
    void run_nameNamespaceOrUidTooLong_invalidArgumentNamingTheFieldLeavingNothing() {
        PodCalls pods = new PodCalls(node.start());
        for (String field : new String[] {"name", "namespace", "uid"}) {
            PodSandboxConfig.Builder builder = node.pod("long-" + field);
            int length = switch (field) {
                case "name" -> {
                    builder.getMetadataBuilder().setName("n".repeat(254));
                    yield 254;
                }
                case "namespace" -> {
                    builder.getMetadataBuilder().setNamespace("n".repeat(64));
                    yield 64;
                }
                default -> {
                    builder.getMetadataBuilder().setUid("u".repeat(254));
                    yield 254;
                }
            };
            PodSandboxConfig config = builder.build();

            assertRefused(() -> pods.run(config), Status.Code.INVALID_ARGUMENT, "metadata." + field + " is " + length + " characters long");
            assertThat(PodTraces.anyLeft(node, config)).isEmpty();
        }
    }

    @Test
    void run_nulInLogDirectory_invalidArgumentNamingTheField() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("nullog").setLogDirectory("/var/log/pods/x\0y").build();

        assertRefused(() -> pods.run(config), Status.Code.INVALID_ARGUMENT, "log_directory holds a NUL");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    /** Kubernetes' own limit: 256 KiB of annotations per object; more would make ListPodSandbox answers too big. */
    @Test
    void run_300KiBOfAnnotations_invalidArgumentAndListingStillWorks() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("bigannot").putAnnotations("big", "x".repeat(300 * 1024)).build();

        assertRefused(() -> pods.run(config), Status.Code.INVALID_ARGUMENT, "annotations hold 307203 bytes");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
        String id = pods.run(node.pod("annot").putAnnotations("big", "x".repeat(200 * 1024)).build());
        assertThat(pods.list()).extracting(p -> p.getId()).contains(id);
    }

    @Test
    void run_relativeLogDirectory_invalidArgument() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("rellog").setLogDirectory("var/log/pods/rellog").build();

        assertRefused(() -> pods.run(config), Status.Code.INVALID_ARGUMENT, "var/log/pods/rellog");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    @Test
    void run_invalidHostname_invalidArgument() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("badhost").setHostname("Bad_Host!").build();

        assertRefused(() -> pods.run(config), Status.Code.INVALID_ARGUMENT, "Bad_Host!");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    /** A caller's value with a newline is escaped in the status and in gantryd's log, so it cannot forge a log line. */
    @Test
    void run_hostnameWithNewline_escapedInStatusAndLog() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("forge").setHostname("a\nFORGED-LINE " + "x".repeat(100_000)).build();

        assertThatThrownBy(() -> pods.run(config)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("a\\nFORGED-LINE").doesNotContain("\n").hasSizeLessThan(5_000);
        });
        assertThat(node.output().lines()).noneMatch(line -> line.startsWith("FORGED-LINE"))
                .anyMatch(line -> line.contains("a\\nFORGED-LINE"))
                .allMatch(line -> line.length() < 10_000);
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    @Test
    void run_unknownRuntimeHandler_invalidArgument() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("kata").build();

        assertRefused(() -> pods.run(config, "kata-e2e"), Status.Code.INVALID_ARGUMENT, "kata-e2e");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    @Test
    void run_runcHandler_accepted() {
        PodCalls pods = new PodCalls(node.start());

        String id = pods.run(node.pod("runc").build(), "runc");

        assertThat(pods.status(id).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(pods.status(id).getRuntimeHandler()).isIn("runc", "");
    }

    @Test
    void brokenConflist_networkNotReadyAndRunRefusedLeavingNothing() {
        node.network().write(CniTestNetwork.CONF_FILE, "{\"cniVersion\":\"1.0.0\",\"name\":\"broken\",\"plugins\":[");
        PodCalls pods = new PodCalls(node.startAsIs());

        RuntimeCondition network = pods.networkReady();
        assertThat(network.getStatus()).isFalse();
        assertThat(network.getReason()).isNotBlank();
        assertThat(network.getMessage()).isNotBlank().contains(CniTestNetwork.CONF_FILE);
        assertRuntimeReady(pods);
        PodSandboxConfig config = node.pod("nonet").build();
        assertRefused(() -> pods.run(config), Status.Code.FAILED_PRECONDITION, "pod network is not ready: ");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    @Test
    void brokenConflist_hostNetworkPod_stillRuns() {
        node.network().write(CniTestNetwork.CONF_FILE, "not json at all");
        PodCalls pods = new PodCalls(node.startAsIs());

        String id = pods.run(PodConfigs.withNamespaces(node.pod("hostnet"), NamespaceMode.NODE, NamespaceMode.CONTAINER, NamespaceMode.POD)
                .clearHostname().build());

        assertThat(pods.status(id).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
    }

    @Test
    void missingPluginBinary_networkNotReadyAndRunRefusedLeavingNothing() {
        node.network().write(CniTestNetwork.CONF_FILE, node.network().missingPluginConflist());
        PodCalls pods = new PodCalls(node.startAsIs());

        RuntimeCondition network = pods.networkReady();
        assertThat(network.getStatus()).isFalse();
        assertThat(network.getReason()).isNotBlank();
        assertThat(network.getMessage()).contains("gte2e-no-such-plugin");
        PodSandboxConfig config = node.pod("noplugin").build();
        assertRefused(() -> pods.run(config), Status.Code.FAILED_PRECONDITION, "pod network is not ready: ");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    /**
     * The failpoint plugin runs after bridge and host-local and fails ADD: the daemon reports the
     * plugin's code and message, runs DEL for what bridge and host-local made, and leaves nothing;
     * the name is free again, so the same request fails the same way rather than ALREADY_EXISTS.
     */
    @Test
    void pluginFailsAdd_internalWithPluginErrorAndEverythingUndone() {
        node.network().write(CniTestNetwork.CONF_FILE, node.network().failingConflist());
        PodCalls pods = new PodCalls(node.startAsIs());
        assertThat(pods.networkReady().getStatus()).isTrue();
        PodSandboxConfig config = PodConfigs.withNamespaces(node.pod("failing"), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .build();

        ThrowingConsumer<StatusRuntimeException> pluginError = e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(e.getStatus().getDescription())
                    .contains(String.valueOf(CniTestNetwork.FAILPOINT_CODE), CniTestNetwork.FAILPOINT_MSG);
        };
        assertThatThrownBy(() -> pods.run(config)).isInstanceOfSatisfying(StatusRuntimeException.class, pluginError);
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
        assertThatThrownBy(() -> pods.run(config)).as("the name was released")
                .isInstanceOfSatisfying(StatusRuntimeException.class, pluginError);
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    /**
     * A sysctl the kernel does not have fails while CNI ADD runs beside it: the request is refused
     * naming the sysctl, and the attachment made meanwhile is undone with everything else.
     */
    @Test
    void run_unknownNetSysctl_refusedAndCniUndone() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig.Builder builder = node.pod("badsysctl");
        builder.getLinuxBuilder().putSysctls("net.ipv4.conf.all.gantry_e2e_no_such_key", "1");
        PodSandboxConfig config = builder.build();

        assertRefused(() -> pods.run(config), Status.Code.INVALID_ARGUMENT, "net.ipv4.conf.all.gantry_e2e_no_such_key");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    @Test
    void run_nodeWideSysctl_invalidArgument() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig.Builder builder = node.pod("nodesysctl");
        builder.getLinuxBuilder().putSysctls("vm.swappiness", "10");
        PodSandboxConfig config = builder.build();

        assertRefused(() -> pods.run(config), Status.Code.INVALID_ARGUMENT, "vm.swappiness");
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
    }

    /** The infra process cannot start (a failpoint in the config): the pod fails, and its network, namespaces and cgroup go. */
    @Test
    void run_infraCannotStart_failsAndEverythingUndone() throws java.io.IOException {
        java.nio.file.Files.writeString(node.daemon().configFile(), "\n[sandbox]\ninfra_command = \"/nonexistent/gantry-e2e-catatonit\"\n",
                java.nio.file.StandardOpenOption.APPEND);
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = PodConfigs.withNamespaces(node.pod("noinfra"), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                .build();

        assertThatThrownBy(() -> pods.run(config)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getDescription()).contains("/nonexistent/gantry-e2e-catatonit"));
        assertThat(PodTraces.anyLeft(node, config)).isEmpty();
        String id = pods.run(node.pod("pid-per-container").build());
        assertThat(pods.status(id).getState()).as("pods without infra still run").isEqualTo(PodSandboxState.SANDBOX_READY);
    }

    private static void assertRuntimeReady(PodCalls pods) {
        // the runtime itself works without a network; only NetworkReady is false
        assertThat(pods.condition("RuntimeReady").getStatus()).isTrue();
    }

    static void assertRefused(Runnable call, Status.Code code, String inMessage) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(inMessage);
        });
    }
}
