package dev.gantry.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cni.config.ConfigLoadResult;
import dev.gantry.cni.config.ConfigLoader;
import dev.gantry.cni.config.NetworkConfigList;
import dev.gantry.cni.exec.PluginExecutor;
import dev.gantry.cni.exec.ProcessBuilderLauncher;
import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.cni.result.CniResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ADD and DEL with Debian's real bridge, host-local, loopback and portmap plugins in a fresh network namespace.
 * Needs root. Everything it creates (netns, bridge, host-local data, cache, iptables rules) is removed
 * in finally, even when an assertion fails.
 */
class CniNetworkIT {

    private static final Path DEBIAN_PLUGINS = Path.of("/usr/lib/cni");
    private static final String BRIDGE = "gantry-it0";

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void addThenDel_realPlugins_addressOnEth0AndDelIdempotent() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.isExecutable(DEBIAN_PLUGINS.resolve("bridge")), "needs /usr/lib/cni/bridge");

        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String netnsName = "gantry-cni-it-" + suffix;
        int octet = ThreadLocalRandom.current().nextInt(1, 255);
        String subnetPrefix = "10.233." + octet + ".";
        Path work = Files.createTempDirectory("gantry-cni-it");
        Path confDir = Files.createDirectories(work.resolve("net.d"));
        Path dataDir = Files.createDirectories(work.resolve("ipam"));
        Path cacheDir = work.resolve("cache");
        String ipForward = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
        Attachment attachment = new Attachment("it" + suffix, Path.of("/var/run/netns", netnsName), "eth0",
                Map.of("IgnoreUnknown", "1", "K8S_POD_NAME", "it"), null);
        CniNetwork network = null;
        try {
            run("ip", "netns", "add", netnsName);
            Files.writeString(confDir.resolve("10-it.conflist"), """
                    {"cniVersion":"1.0.0","name":"gantry-it-%s","plugins":[
                      {"type":"bridge","bridge":"%s","isGateway":false,"ipMasq":false,
                       "ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"%s0/24"}]]}},
                      {"type":"loopback"}]}""".formatted(suffix, BRIDGE, dataDir, subnetPrefix));
            ConfigLoadResult loaded = new ConfigLoader(mapper).load(confDir);
            assertThat(loaded.reason()).isEmpty();
            NetworkConfigList config = loaded.config().orElseThrow();
            PluginExecutor executor = new PluginExecutor(List.of(Path.of("/opt/cni/bin"), DEBIAN_PLUGINS),
                    new ProcessBuilderLauncher(), Duration.ofSeconds(60), mapper);
            network = new CniNetwork(config, executor, cacheDir, mapper);

            CniResult result = network.add(attachment);

            String ip = result.firstIPv4().orElseThrow();
            assertThat(ip).startsWith(subnetPrefix);
            assertThat(run("ip", "-n", netnsName, "-o", "-4", "addr", "show", "dev", "eth0")).contains(" " + ip + "/24");
            assertThat(run("ip", "-n", netnsName, "-o", "link", "show", "lo")).contains("UP");
            network.check(attachment);

            network.del(attachment);
            network.del(attachment);

            assertThat(run("ip", "-n", netnsName, "-o", "addr")).doesNotContain(ip);
            assertThat(listRecursively(dataDir)).noneMatch(p -> p.getFileName().toString().equals(ip));
            assertThat(network.cachedResult(attachment)).isEmpty();
        } finally {
            if (network != null) {
                try {
                    network.del(attachment);
                } catch (RuntimeException e) {
                    System.err.println("cleanup DEL: " + e.getMessage());
                }
            }
            quietly("ip", "netns", "del", netnsName);
            quietly("ip", "link", "del", BRIDGE);
            removeIptablesRules(BRIDGE, subnetPrefix);
            Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), ipForward);
            deleteTree(work);
        }
        assertThat(run("ip", "netns", "list")).doesNotContain(netnsName);
        assertThat(run("ip", "-o", "link")).doesNotContain(BRIDGE);
    }

    private static final String PORTMAP_BRIDGE = "gtcni0";
    private static final String PORTMAP_SUBNET = "10.213.77.";

    /**
     * portmap's DEL removes its rules only when it gets the port mappings again; the kubelet's
     * StopPodSandbox does not resend them, so DEL here gets RuntimeConfig.NONE and must find them in
     * the result cache. Goes through CniNetworks as the sandbox code will.
     */
    @Test
    void detach_portmapAddedWithMappingsDelWithout_removesIptablesRules() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Files.isExecutable(DEBIAN_PLUGINS.resolve("portmap")), "needs /usr/lib/cni/portmap");

        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        String netnsName = "gantry-cni-pm-" + suffix;
        String containerId = "gtcnipm" + suffix;
        String networkName = "gtcni-" + suffix;
        int hostPort = ThreadLocalRandom.current().nextInt(30000, 32000);
        Path work = Files.createTempDirectory("gantry-cni-it");
        Path confDir = work.resolve("net.d");
        Path dataDir = Files.createDirectories(work.resolve("ipam"));
        Path cacheDir = work.resolve("cache");
        String ipForward = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).strip();
        Map<String, String> args = Map.of("IgnoreUnknown", "1", "K8S_POD_NAME", "pm");
        Path netns = Path.of("/var/run/netns", netnsName);
        RuntimeConfig ports = new RuntimeConfig(List.of(new RuntimeConfig.PortMapping(hostPort, 80, "tcp", null)), null, null, null);
        Attachment withPorts = new Attachment(containerId, netns, "eth0", args, ports);
        Attachment withoutPorts = new Attachment(containerId, netns, "eth0", args, RuntimeConfig.NONE);
        PluginExecutor executor = new PluginExecutor(List.of(Path.of("/opt/cni/bin"), DEBIAN_PLUGINS),
                new ProcessBuilderLauncher(), Duration.ofSeconds(60), mapper);
        CniNetworks networks = new CniNetworks(confDir, executor, cacheDir, mapper);
        boolean hostportChainsBefore = run("iptables-save", "-t", "nat").contains(":CNI-HOSTPORT-DNAT ");
        try {
            run("ip", "netns", "add", netnsName);
            assertThat(iptablesLinesMentioning(containerId)).isEmpty();
            networks.start();
            Files.createDirectories(confDir);
            Files.writeString(confDir.resolve("10-pm.conflist"), """
                    {"cniVersion":"1.0.0","name":"%s","plugins":[
                      {"type":"bridge","bridge":"%s","isGateway":true,"ipMasq":false,
                       "ipam":{"type":"host-local","dataDir":"%s","ranges":[[{"subnet":"%s0/24"}]]}},
                      {"type":"portmap","capabilities":{"portMappings":true},"snat":true}]}"""
                    .formatted(networkName, PORTMAP_BRIDGE, dataDir, PORTMAP_SUBNET));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!networks.status().ready() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(networks.status()).isEqualTo(NetworkStatus.isReady());

            CniResult result = networks.require().add(withPorts);

            assertThat(result.firstIPv4().orElseThrow()).startsWith(PORTMAP_SUBNET);
            List<String> added = iptablesLinesMentioning(containerId);
            assertThat(added).anyMatch(l -> l.contains("--dports " + hostPort));

            networks.detach(networkName, withoutPorts);

            assertThat(iptablesLinesMentioning(containerId)).isEmpty();
            assertThat(networks.cachedResult(networkName, withoutPorts)).isEmpty();
        } finally {
            try {
                networks.detach(networkName, withPorts);
            } catch (RuntimeException e) {
                System.err.println("cleanup DEL: " + e.getMessage());
            }
            networks.close();
            quietly("ip", "netns", "del", netnsName);
            quietly("ip", "link", "del", PORTMAP_BRIDGE);
            removeRulesMentioning(containerId);
            removeIptablesRules(PORTMAP_BRIDGE, PORTMAP_SUBNET);
            if (!hostportChainsBefore) {
                removeHostportChains();
            }
            Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), ipForward);
            deleteTree(work);
        }
        assertThat(run("ip", "-o", "link")).doesNotContain(PORTMAP_BRIDGE);
        assertThat(iptablesLinesMentioning(containerId)).isEmpty();
    }

    /** portmap creates these shared chains at its first ADD and never removes them; we do if we caused them. */
    private static void removeHostportChains() {
        String rules;
        try {
            rules = run("iptables", "-w", "-t", "nat", "-S");
        } catch (IOException | InterruptedException | RuntimeException e) {
            return;
        }
        for (String line : rules.split("\n")) {
            if (line.startsWith("-A ") && line.contains("-j CNI-HOSTPORT-") && !line.startsWith("-A CNI-")) {
                quietly("sh", "-c", "iptables -w -t nat -D " + line.substring(3));
            }
        }
        for (String chain : List.of("CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-SETMARK", "CNI-HOSTPORT-MASQ")) {
            quietly("iptables", "-w", "-t", "nat", "-F", chain);
        }
        for (String chain : List.of("CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-SETMARK", "CNI-HOSTPORT-MASQ")) {
            quietly("iptables", "-w", "-t", "nat", "-X", chain);
        }
    }

    private static List<String> iptablesLinesMentioning(String needle) throws IOException, InterruptedException {
        return run("iptables-save").lines().filter(l -> l.contains(needle)).toList();
    }

    /** Removes the rules that name {@code needle} and the per-container CNI-DN-* chains they jump to. */
    private static void removeRulesMentioning(String needle) {
        for (String table : List.of("filter", "nat")) {
            String rules;
            try {
                rules = run("iptables", "-w", "-t", table, "-S");
            } catch (IOException | InterruptedException | RuntimeException e) {
                return;
            }
            Set<String> chains = new LinkedHashSet<>();
            for (String line : rules.split("\n")) {
                if (line.startsWith("-A ") && line.contains(needle)) {
                    String[] words = line.split(" ");
                    for (int i = 0; i < words.length - 1; i++) {
                        if (words[i].equals("-j") && words[i + 1].startsWith("CNI-DN-")) {
                            chains.add(words[i + 1]);
                        }
                    }
                    // Comments are quoted in -S output; a shell would unquote them, ProcessBuilder does not.
                    quietly("sh", "-c", "iptables -w -t " + table + " -D " + line.substring(3));
                }
            }
            for (String chain : chains) {
                quietly("iptables", "-w", "-t", table, "-F", chain);
                quietly("iptables", "-w", "-t", table, "-X", chain);
            }
        }
    }

    /** The bridge plugin with ipMasq false adds none, but a plugin upgrade must not leave rules behind. */
    private static void removeIptablesRules(String bridge, String subnetPrefix) {
        for (String table : List.of("filter", "nat")) {
            String rules;
            try {
                rules = run("iptables", "-w", "-t", table, "-S");
            } catch (IOException | InterruptedException | RuntimeException e) {
                return;
            }
            for (String line : rules.split("\n")) {
                if (line.startsWith("-A ") && (line.contains(bridge) || line.contains(subnetPrefix))) {
                    List<String> command = new ArrayList<>(List.of("iptables", "-w", "-t", table, "-D"));
                    command.addAll(Arrays.asList(line.substring(3).split(" ")));
                    quietly(command.toArray(String[]::new));
                }
            }
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static void quietly(String... command) {
        try {
            run(command);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // Cleanup of something that may not exist.
        }
    }

    private static List<Path> listRecursively(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.toList();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
