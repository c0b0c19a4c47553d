package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.cgroup.CgroupDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private ConfigLoader loader() {
        return new ConfigLoader(dir.resolve("absent-default.toml"));
    }

    private Path file(String toml) throws IOException {
        return Files.writeString(dir.resolve("gantry.toml"), toml);
    }

    private LoadedConfig load(String toml) throws IOException {
        return loader().load(Optional.of(file(toml)), Map.of());
    }

    @Test
    void load_noFile_usesEmbeddedDefaults() {
        LoadedConfig loaded = loader().load(Optional.empty(), Map.of());

        GantryConfig config = loaded.config();
        assertThat(config.root()).isEqualTo(Path.of("/var/lib/gantry"));
        assertThat(config.state()).isEqualTo(Path.of("/run/gantry"));
        assertThat(config.logLevel()).isEqualTo(GantryConfig.LogLevel.INFO);
        assertThat(config.grpc().socket()).isEqualTo(Path.of("/run/gantry/gantry.sock"));
        assertThat(config.grpc().maxRecvMessageSize()).isEqualTo(16 * 1024 * 1024);
        assertThat(config.grpc().maxSendMessageSize()).isEqualTo(16 * 1024 * 1024);
        assertThat(config.grpc().shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.cgroupDriver()).isEqualTo(CgroupDriver.CGROUPFS);
        assertThat(loaded.source()).isEqualTo("embedded defaults");
    }

    @Test
    void statsDiskUsageInterval_defaultOneMinute_fileOverrides() throws IOException {
        assertThat(loader().load(Optional.empty(), Map.of()).config().stats().diskUsageInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(load("[stats]\ndisk_usage_interval = \"5s\"\n").config().stats().diskUsageInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void statsDiskUsageInterval_belowOneSecond_refused() {
        assertThatThrownBy(() -> load("[stats]\ndisk_usage_interval = \"10ms\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("stats.disk_usage_interval")
                .hasMessageContaining("at least 1s");
    }

    @Test
    void imageLayerLimits_defaults_32GiB1000TimesOneGiBFree() {
        var limits = loader().load(Optional.empty(), Map.of()).config().images().layerLimits();

        assertThat(limits).isEqualTo(new dev.gantry.image.pull.LayerLimits(32L << 30, 1000, 1L << 30));
        assertThat(limits).isEqualTo(dev.gantry.image.pull.LayerLimits.defaults());
    }

    @Test
    void imageLayerLimits_fileOverrides_zeroTurnsRatioAndReserveOff() throws IOException {
        var limits = load("[image]\nmax_layer_size = 1073741824\nmax_layer_ratio = 0\nmin_free_space = 0\n")
                .config().images().layerLimits();

        assertThat(limits).isEqualTo(new dev.gantry.image.pull.LayerLimits(1L << 30, 0, 0));
    }

    @Test
    void imageLayerLimits_outOfRange_refusedNamingTheKey() {
        assertThatThrownBy(() -> load("[image]\nmax_layer_size = 1000\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key image.max_layer_size: must be between 1048576 and");
        assertThatThrownBy(() -> load("[image]\nmax_layer_ratio = -1\n"))
                .hasMessageContaining("key image.max_layer_ratio: must be between 0 and 1000000, got -1");
        assertThatThrownBy(() -> load("[image]\nmin_free_space = -5\n"))
                .hasMessageContaining("key image.min_free_space: must be between 0 and");
        assertThatThrownBy(() -> load("[image]\nmin_free_space = \"1GiB\"\n"))
                .hasMessageContaining("key image.min_free_space: expected an integer, got a string");
    }

    @Test
    void stream_defaults_loopbackEphemeralPortNoTlsOneMinuteTokens() throws IOException {
        var stream = loader().load(Optional.empty(), Map.of()).config().stream();
        assertThat(stream.address()).isEqualTo("127.0.0.1");
        assertThat(stream.port()).isZero();
        assertThat(stream.tls()).isFalse();
        assertThat(stream.tokenTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(stream.idleTimeout()).isEqualTo(Duration.ofHours(4));
    }

    @Test
    void stream_addressNotAnIp_refused() {
        assertThatThrownBy(() -> load("[stream]\naddress = \"localhost\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("stream.address")
                .hasMessageContaining("must be an IP address");
    }

    @Test
    void stream_certificateWithoutKey_refused() {
        assertThatThrownBy(() -> load("[stream]\ntls_cert_file = \"/etc/gantry/stream.pem\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("stream.tls_key_file")
                .hasMessageContaining("both");
    }

    @Test
    void stream_zeroTokenTtl_refused() {
        assertThatThrownBy(() -> load("[stream]\ntoken_ttl = \"0s\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("stream.token_ttl");
    }

    @Test
    void grpc_warmUpConnections_64ByDefault_zeroTurnsItOff_negativeRefused() throws IOException {
        assertThat(load("").config().grpc().warmUpConnections()).isEqualTo(64);
        assertThat(load("[grpc]\nwarm_up_connections = 0\n").config().grpc().warmUpConnections()).isZero();
        assertThatThrownBy(() -> load("[grpc]\nwarm_up_connections = -1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("grpc.warm_up_connections");
    }

    @Test
    void load_noFileNamed_readsDefaultFileWhenPresent() throws IOException {
        Path defaults = Files.writeString(dir.resolve("etc-gantry.toml"), "log_level = \"debug\"\n");

        LoadedConfig loaded = new ConfigLoader(defaults).load(Optional.empty(), Map.of());

        assertThat(loaded.config().logLevel()).isEqualTo(GantryConfig.LogLevel.DEBUG);
        assertThat(loaded.source()).isEqualTo(defaults.toString());
    }

    @Test
    void load_partialFile_overridesOnlyItsKeys() throws IOException {
        GantryConfig config = load("""
                root = "/data/gantry"
                [grpc]
                shutdown_timeout = "750ms"
                [cgroup]
                driver = "systemd"
                """).config();

        assertThat(config.root()).isEqualTo(Path.of("/data/gantry"));
        assertThat(config.grpc().shutdownTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(config.cgroupDriver()).isEqualTo(CgroupDriver.SYSTEMD);
        assertThat(config.grpc().socket()).isEqualTo(Path.of("/run/gantry/gantry.sock"));
    }

    @Test
    void load_unknownTopLevelKey_namesFileAndKey() throws IOException {
        Path file = file("rooot = \"/x\"\n");

        assertThatThrownBy(() -> loader().load(Optional.of(file), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": unknown key rooot")
                .hasMessageContaining("known here: root, state, log_level, grpc, cgroup");
    }

    @Test
    void load_unknownNestedKey_namesDottedKey() {
        assertThatThrownBy(() -> load("[grpc]\nport = 10010\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(": unknown key grpc.port (known here: grpc.listen,");
    }

    @Test
    void load_unknownTable_isRefused() {
        assertThatThrownBy(() -> load("[plugins.cri]\nsandbox_image = \"pause\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key plugins");
    }

    @Test
    void load_wrongType_namesKeyAndBothTypes() {
        assertThatThrownBy(() -> load("[grpc]\nmax_send_message_size = \"big\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key grpc.max_send_message_size: expected an integer, got a string");
        assertThatThrownBy(() -> load("grpc = \"unix:///x\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key grpc: expected a table, got a string");
        assertThatThrownBy(() -> load("log_level = 3\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("key log_level: expected a string, got an integer");
    }

    @Test
    void load_badValues_nameKeyAndReason() {
        assertThatThrownBy(() -> load("[grpc]\nlisten = \"tcp://0.0.0.0:1234\"\n"))
                .hasMessageContaining("key grpc.listen: must be unix:///absolute/path (only Unix sockets are served), got \"tcp://0.0.0.0:1234\"");
        assertThatThrownBy(() -> load("[grpc]\nlisten = \"unix://relative.sock\"\n"))
                .hasMessageContaining("key grpc.listen: must be unix:///absolute/path");
        assertThatThrownBy(() -> load("[grpc]\nlisten = \"unix:///" + "d/".repeat(60) + "s.sock\"\n"))
                .hasMessageContaining("longer than the 107 bytes");
        assertThatThrownBy(() -> load("log_level = \"verbose\"\n"))
                .hasMessageContaining("key log_level: must be one of trace, debug, info, warn, error, got \"verbose\"");
        assertThatThrownBy(() -> load("root = \"var/lib/gantry\"\n"))
                .hasMessageContaining("key root: must be an absolute path, got \"var/lib/gantry\"");
        assertThatThrownBy(() -> load("state = \"/var/lib/gantry\"\n"))
                .hasMessageContaining("key state: must differ from root");
        assertThatThrownBy(() -> load("[grpc]\nshutdown_timeout = \"10\"\n"))
                .hasMessageContaining("key grpc.shutdown_timeout: must be a duration");
        assertThatThrownBy(() -> load("[grpc]\nmax_recv_message_size = 0\n"))
                .hasMessageContaining("key grpc.max_recv_message_size: must be between 1024 and 2147483647, got 0");
        assertThatThrownBy(() -> load("[grpc]\nmax_recv_message_size = 4294967296\n"))
                .hasMessageContaining("got 4294967296");
    }

    @Test
    void load_syntaxError_namesFileAndLine() throws IOException {
        Path file = file("root = \"/x\"\n[grpc\nlisten = 1\n");

        assertThatThrownBy(() -> loader().load(Optional.of(file), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": line 2: not valid TOML");
    }

    @Test
    void load_namedFileMissing_saysSo() {
        Path missing = dir.resolve("nope.toml");

        assertThatThrownBy(() -> loader().load(Optional.of(missing), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": cannot read the configuration file: no such file");
    }

    @Test
    void load_flags_overrideFileAndDefaults() throws IOException {
        Path file = file("root = \"/from/file\"\nlog_level = \"warn\"\n");

        GantryConfig config = loader().load(Optional.of(file), Map.of(
                "root", new ConfigLoader.Flag("--root", "/from/flag"),
                "grpc.listen", new ConfigLoader.Flag("--listen", "unix:///tmp/g.sock"),
                "cni.conf_dir", new ConfigLoader.Flag("--cni-conf-dir", "/tmp/net.d"))).config();

        assertThat(config.root()).isEqualTo(Path.of("/from/flag"));
        assertThat(config.cni().confDir()).isEqualTo(Path.of("/tmp/net.d"));
        assertThat(config.grpc().socket()).isEqualTo(Path.of("/tmp/g.sock"));
        assertThat(config.logLevel()).isEqualTo(GantryConfig.LogLevel.WARN);
    }

    @Test
    void load_badFlag_namesTheFlag() {
        assertThatThrownBy(() -> loader().load(Optional.empty(),
                Map.of("grpc.listen", new ConfigLoader.Flag("--listen", "/run/x.sock"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("flag --listen: key grpc.listen: must be unix:///absolute/path");
    }

    @Test
    void load_effectiveJson_reflectsMergedValues() throws IOException {
        LoadedConfig loaded = load("[cgroup]\ndriver = \"systemd\"\n");

        assertThat(loaded.effectiveJson())
                .contains("\"driver\":\"systemd\"")
                .contains("\"listen\":\"unix:///run/gantry/gantry.sock\"")
                .contains("\"max_recv_message_size\":16777216");
    }

    @Test
    void load_cniSandboxAndRuntimes_boundAndChecked() throws IOException {
        GantryConfig config = load("""
                [cni]
                conf_dir = "/tmp/net.d"
                bin_dirs = ["/tmp/bin", "/usr/lib/cni"]
                [sandbox]
                shm_size = 1048576
                [runtimes.kata]
                path = "/usr/bin/kata-runtime"
                """).config();

        assertThat(config.cni().confDir()).isEqualTo(Path.of("/tmp/net.d"));
        assertThat(config.cni().binDirs()).containsExactly(Path.of("/tmp/bin"), Path.of("/usr/lib/cni"));
        assertThat(config.cni().pluginTimeout()).isEqualTo(java.time.Duration.ofMinutes(1));
        assertThat(config.sandbox().shmSize()).isEqualTo(1048576);
        assertThat(config.runtimes().resolve("")).contains("runc");
        assertThat(config.runtimes().resolve("kata")).contains("kata");
        assertThat(config.runtimes().resolve("nope")).isEmpty();

        assertThatThrownBy(() -> load("[cni]\nbin_dirs = [\"relative\"]\n"))
                .hasMessageContaining("key cni.bin_dirs").hasMessageContaining("absolute");
        assertThatThrownBy(() -> load("[runtime]\ndefault_handler = \"crun\"\n"))
                .hasMessageContaining("key runtime.default_handler").hasMessageContaining("runc");
        assertThatThrownBy(() -> load("[runtimes.kata]\nbinary = \"x\"\n"))
                .hasMessageContaining("unknown key runtimes.kata.binary");
    }

    @Test
    void load_metricsAddress_offByDefault_hostPortWhenSet() throws IOException {
        assertThat(loader().load(Optional.empty(), Map.of()).config().metrics().address()).isEmpty();

        assertThat(load("[metrics]\naddress = \"127.0.0.1:9391\"\n").config().metrics().address())
                .contains(new java.net.InetSocketAddress("127.0.0.1", 9391));
        assertThat(load("[metrics]\naddress = \"[::1]:9391\"\n").config().metrics().address())
                .contains(new java.net.InetSocketAddress("::1", 9391));
        assertThat(load("[metrics]\naddress = \":9391\"\n").config().metrics().address().orElseThrow().getAddress().isAnyLocalAddress())
                .isTrue();
    }

    @Test
    void load_badMetricsAddress_namesKeyAndReason() {
        for (String bad : List.of("9391", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:http", "::1:9391",
                "http://127.0.0.1:9391")) {
            assertThatThrownBy(() -> load("[metrics]\naddress = \"" + bad + "\"\n"))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("key metrics.address: ");
        }
        assertThatThrownBy(() -> load("[metrics]\naddress = \"no-such-host.invalid:9391\"\n"))
                .hasMessageContaining("key metrics.address: unknown host \"no-such-host.invalid\"");
        assertThatThrownBy(() -> load("[metrics]\naddress = 9391\n"))
                .hasMessageContaining("key metrics.address: expected a string, got an integer");
    }

    @Test
    void defaultToml_everyKeyHasACommentAbove() {
        List<String> uncommented = new ArrayList<>();
        String previous = "";
        for (String line : ConfigLoader.defaultToml().split("\n")) {
            boolean isKey = line.matches("[a-z_]+ = .*");
            if (isKey && !previous.startsWith("#")) {
                uncommented.add(line);
            }
            previous = line;
        }

        assertThat(uncommented).isEmpty();
        assertThat(ConfigLoader.defaultToml()).contains("[grpc]").contains("[cgroup]");
    }

    @Test
    void defaultToml_asAFile_givesTheDefaults() throws IOException {
        LoadedConfig fromFile = load(ConfigLoader.defaultToml());
        LoadedConfig embedded = loader().load(Optional.empty(), Map.of());

        assertThat(fromFile.config()).isEqualTo(embedded.config());
    }

    @Test
    void load_registryHosts_areReadPerHostWithMirrorsInOrder() throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        GantryConfig config = load("""
                [registry.hosts."docker.io"]
                mirrors = ["http://127.0.0.1:5000", "https://mirror.example:8443/v2-cache"]
                [registry.hosts."registry.internal:5000"]
                insecure = true
                ca_file = "%s"
                """.formatted(ca)).config();

        var hub = config.registry().hosts().get("docker.io");
        assertThat(hub.mirrors()).extracting(java.net.URI::toString)
                .containsExactly("http://127.0.0.1:5000", "https://mirror.example:8443/v2-cache");
        assertThat(hub.insecure()).isFalse();
        assertThat(hub.caFile()).isEmpty();
        var internal = config.registry().hosts().get("registry.internal:5000");
        assertThat(internal.insecure()).isTrue();
        assertThat(internal.caFile()).hasValue(ca);
        assertThat(config.registry().attempts()).isEqualTo(5);
    }

    @Test
    void load_registryHostEntry_unknownKeyOrBadMirror_isRefusedNamingIt() {
        assertThatThrownBy(() -> load("[registry.hosts.\"quay.io\"]\nmirror = [\"http://x\"]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key registry.hosts.quay.io.mirror");
        assertThatThrownBy(() -> load("[registry.hosts.\"quay.io\"]\nmirrors = [\"ftp://x\"]\n"))
                .hasMessageContaining("key registry.hosts.quay.io.mirrors")
                .hasMessageContaining("must be an http:// or https:// URL");
        assertThatThrownBy(() -> load("[registry.hosts.\"quay.io\"]\nca_file = \"/nonexistent/ca.pem\"\n"))
                .hasMessageContaining("key registry.hosts.quay.io.ca_file");
        assertThatThrownBy(() -> load("[registry]\nhosts = { \"quay.io\" = 3 }\n"))
                .hasMessageContaining("key registry.hosts.quay.io: expected a table");
    }

    @Test
    void load_pinnedImages_areNormalised_andBadOnesRefused() throws IOException {
        assertThat(load("[image]\npinned = [\"busybox\"]\n").config().images().pinned())
                .containsExactly("docker.io/library/busybox:latest");
        assertThatThrownBy(() -> load("[image]\npinned = [\"Busybox\"]\n"))
                .hasMessageContaining("key image.pinned")
                .hasMessageContaining("must be lower case");
    }

    @Test
    void kubernetes_offByDefault_fileEnablesIt_badValuesNamed() throws IOException {
        GantryConfig.Kubernetes off = loader().load(Optional.empty(), Map.of()).config().kubernetes();
        assertThat(off.enabled()).isFalse();
        assertThat(off.kubeconfig()).isEmpty();
        assertThat(off.nodeName()).isEmpty();

        GantryConfig.Kubernetes on = load("[kubernetes]\nenabled = true\nkubeconfig = \"/etc/gantry/kubeconfig\"\nnode_name = \"node-1.example\"\n")
                .config().kubernetes();
        assertThat(on.enabled()).isTrue();
        assertThat(on.kubeconfig()).contains(Path.of("/etc/gantry/kubeconfig"));
        assertThat(on.nodeName()).contains("node-1.example");

        assertThatThrownBy(() -> load("[kubernetes]\nnode_name = \"Node_1\"\n")).hasMessageContaining("key kubernetes.node_name");
        assertThatThrownBy(() -> load("[kubernetes]\nkubeconfig = \"relative\"\n")).hasMessageContaining("key kubernetes.kubeconfig");
        assertThatThrownBy(() -> load("[kubernetes]\nenabled = \"yes\"\n")).hasMessageContaining("key kubernetes.enabled: expected a boolean");
        assertThatThrownBy(() -> load("[kubernetes]\nmaster = \"x\"\n")).hasMessageContaining("unknown key kubernetes.master");
        assertThatThrownBy(() -> load("[kubernetes]\nmax_backoff = \"10ms\"\n")).hasMessageContaining("key kubernetes.max_backoff");
    }
}
