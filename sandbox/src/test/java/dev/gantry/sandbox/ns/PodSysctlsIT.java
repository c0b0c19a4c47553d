package dev.gantry.sandbox.ns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.linux.ns.PinnedNamespaces;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real namespaces as root: sysctls land in the pod's namespaces and never on the host. */
class PodSysctlsIT {

    private static final String PORT_START = "net.ipv4.ip_unprivileged_port_start";
    private static final String PING_RANGE = "net.ipv4.ping_group_range";

    @TempDir
    Path tmp;

    private final NamespaceRunner runner = new NamespaceRunner();
    private final PodSysctls sysctls = new PodSysctls(runner);
    private PinnedNamespaces pinned;
    private Path netns;
    private Path ipcns;

    @BeforeEach
    void setUp() throws IOException {
        pinned = new PinnedNamespaces(tmp.resolve("ns"));
        Map<NamespaceType, Path> pins = pinned.create("pod1", EnumSet.of(NamespaceType.NET, NamespaceType.IPC), null);
        netns = pins.get(NamespaceType.NET);
        ipcns = pins.get(NamespaceType.IPC);
    }

    @AfterEach
    void tearDown() throws IOException {
        pinned.remove("pod1");
    }

    @Test
    void apply_netSysctls_changedInPodNetnsOnly() throws Exception {
        String hostPort = host(PORT_START);
        String hostPing = host(PING_RANGE);
        String port = hostPort.equals("42") ? "43" : "42";
        String ping = hostPing.equals("0\t2147483647") ? "0\t100" : "0\t2147483647";

        sysctls.apply(Map.of(PORT_START, port, PING_RANGE.replace('.', '/'), ping.replace('\t', ' ')), Optional.of(netns),
                Optional.empty());

        assertThat(inside(netns, NamespaceType.NET, PORT_START)).isEqualTo(port);
        assertThat(inside(netns, NamespaceType.NET, PING_RANGE)).isEqualTo(ping);
        assertThat(host(PORT_START)).isEqualTo(hostPort);
        assertThat(host(PING_RANGE)).isEqualTo(hostPing);
    }

    @Test
    void apply_ipcSysctl_changedInPodIpcnsOnly() throws Exception {
        String hostValue = host("kernel.shmmni");
        String value = hostValue.equals("2048") ? "1024" : "2048";

        sysctls.apply(Map.of("kernel.shmmni", value), Optional.empty(), Optional.of(ipcns));

        assertThat(inside(ipcns, NamespaceType.IPC, "kernel.shmmni")).isEqualTo(value);
        assertThat(host("kernel.shmmni")).isEqualTo(hostValue);
    }

    @Test
    void apply_valueKernelRefuses_invalidArgumentNamingKeyAndValue() {
        assertThatThrownBy(() -> sysctls.apply(Map.of(PORT_START, "not-a-number"), Optional.of(netns), Optional.empty()))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining(PORT_START + "=not-a-number");
    }

    @Test
    void apply_unknownNetSysctl_invalidArgument() {
        assertThatThrownBy(() -> sysctls.apply(Map.of("net.ipv4.no_such_knob", "1"), Optional.of(netns), Optional.empty()))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("net.ipv4.no_such_knob");
    }

    @Test
    void apply_netSysctlWithoutPodNetns_refusedBeforeWriting() throws IOException {
        String hostPort = host(PORT_START);

        assertThatThrownBy(() -> sysctls.apply(Map.of(PORT_START, "7"), Optional.empty(), Optional.of(ipcns)))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("node's network");
        assertThat(host(PORT_START)).isEqualTo(hostPort);
    }

    @Test
    void apply_netnsNotANamespace_internal() throws IOException {
        Path notNs = Files.writeString(tmp.resolve("plain"), "x");

        assertThatThrownBy(() -> sysctls.apply(Map.of(PORT_START, "7"), Optional.of(notNs), Optional.empty()))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessageContaining(notNs.toString());
    }

    /** Not Files.readString: on JDK 25 it reads a /proc/sys value as its first byte only ("4" for 4096). */
    private static String host(String name) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys/" + name.replace('.', '/')))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }

    private String inside(Path ns, NamespaceType type, String name) throws Exception {
        return runner.runIn(ns, type, () -> host(name));
    }
}
