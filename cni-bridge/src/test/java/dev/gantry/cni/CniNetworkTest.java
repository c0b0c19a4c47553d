package dev.gantry.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cni.config.ConfigLoader;
import dev.gantry.cni.config.NetworkConfigList;
import dev.gantry.cni.exec.CniPluginException;
import dev.gantry.cni.exec.PluginExecutor;
import dev.gantry.cni.exec.ProcessLauncher;
import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.cni.result.CniResult;
import dev.gantry.common.errors.GantryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CniNetworkTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path bin;
    @TempDir
    Path cacheDir;

    /** One line per run: "<type> <command>", and the stdin each got. */
    private final List<String> runs = new ArrayList<>();
    private final List<JsonNode> stdins = new ArrayList<>();
    /** Per "<type> <command>": the answer; absent means exit 0 with an ADD result naming the plugin. */
    private final Map<String, ProcessLauncher.Output> answers = new HashMap<>();

    private final ProcessLauncher fake = (binary, env, stdin, timeout) -> {
        String key = binary.getFileName() + " " + env.get("CNI_COMMAND");
        runs.add(key);
        stdins.add(mapper.readTree(stdin));
        ProcessLauncher.Output answer = answers.get(key);
        if (answer != null) {
            return answer;
        }
        String result = "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0." + runs.size() + "/24\"}],\"by\":\""
                + binary.getFileName() + "\"}";
        return out(0, env.get("CNI_COMMAND").equals("ADD") ? result : "");
    };

    private final Attachment attachment = new Attachment("ctr1", Path.of("/run/netns/p"), "eth0", Map.of(), null);

    @BeforeEach
    void setUp() throws IOException {
        for (String type : List.of("bridge", "portmap", "bandwidth")) {
            Files.createFile(bin.resolve(type), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
    }

    private static ProcessLauncher.Output out(int code, String stdout) {
        return new ProcessLauncher.Output(code, stdout.getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    private CniNetwork network(String conflist) {
        NetworkConfigList config = new ConfigLoader(mapper).parse("test.conflist", conflist.getBytes(StandardCharsets.UTF_8));
        return new CniNetwork(config, new PluginExecutor(List.of(bin), fake, Duration.ofSeconds(5), mapper), cacheDir, mapper);
    }

    private static final String CHAIN = """
            {"cniVersion":"1.0.0","name":"pods","plugins":[{"type":"bridge"},{"type":"portmap"},{"type":"bandwidth"}]}""";

    @Test
    void add_chain_runsInOrderPassingEachResultOn() {
        CniResult result = network(CHAIN).add(attachment);
        assertThat(runs).containsExactly("bridge ADD", "portmap ADD", "bandwidth ADD");
        assertThat(stdins.get(0).has("prevResult")).isFalse();
        assertThat(stdins.get(1).get("prevResult").get("by").asText()).isEqualTo("bridge");
        assertThat(stdins.get(2).get("prevResult").get("by").asText()).isEqualTo("portmap");
        assertThat(result.raw().get("by").asText()).isEqualTo("bandwidth");
        assertThat(cacheDir.resolve("pods-ctr1-eth0.json")).exists();
    }

    @Test
    void add_middlePluginFails_stopsAndCachesNothing() {
        answers.put("portmap ADD", out(1, "{\"code\":11,\"msg\":\"try again\"}"));
        assertThatThrownBy(() -> network(CHAIN).add(attachment)).isInstanceOf(CniPluginException.class)
                .hasMessage("CNI plugin portmap ADD failed: code 11: try again");
        assertThat(runs).containsExactly("bridge ADD", "portmap ADD");
        assertThat(cacheDir.resolve("pods-ctr1-eth0.json")).doesNotExist();
    }

    @Test
    void del_afterAdd_runsReverseWithCachedConfigAndFinalResult() {
        network(CHAIN).add(attachment);
        runs.clear();
        stdins.clear();
        // The config dir changed since the ADD (as after a restart): DEL still uses what ADD used.
        CniNetwork changed = network("{\"cniVersion\":\"1.0.0\",\"name\":\"pods\",\"plugins\":[{\"type\":\"bridge\",\"mtu\":9000}]}");
        changed.del(attachment);
        assertThat(runs).containsExactly("bandwidth DEL", "portmap DEL", "bridge DEL");
        assertThat(stdins).allSatisfy(s -> assertThat(s.get("prevResult").get("by").asText()).isEqualTo("bandwidth"));
        assertThat(stdins.get(2).has("mtu")).isFalse();
        assertThat(cacheDir.resolve("pods-ctr1-eth0.json")).doesNotExist();
    }

    @Test
    void del_withoutCache_usesCurrentConfigWithoutPrevResult() {
        network(CHAIN).del(attachment);
        assertThat(runs).containsExactly("bandwidth DEL", "portmap DEL", "bridge DEL");
        assertThat(stdins).allSatisfy(s -> assertThat(s.has("prevResult")).isFalse());
    }

    @Test
    void del_notFoundAnswers_countAsDone() {
        answers.put("portmap DEL", out(1, "{\"code\":3,\"msg\":\"container unknown\"}"));
        answers.put("bridge DEL", out(1, "{\"code\":999,\"msg\":\"link eth0 not found\"}"));
        network(CHAIN).del(attachment);
        assertThat(runs).containsExactly("bandwidth DEL", "portmap DEL", "bridge DEL");
    }

    @Test
    void del_failure_continuesThenRethrowsFirstAndKeepsCache() {
        CniNetwork net = network(CHAIN);
        net.add(attachment);
        runs.clear();
        answers.put("bandwidth DEL", out(1, "{\"code\":5,\"msg\":\"tc busy\"}"));
        answers.put("portmap DEL", out(1, "{\"code\":5,\"msg\":\"iptables locked\"}"));
        assertThatThrownBy(() -> net.del(attachment)).hasMessage("CNI plugin bandwidth DEL failed: code 5: tc busy");
        assertThat(runs).containsExactly("bandwidth DEL", "portmap DEL", "bridge DEL");
        assertThat(cacheDir.resolve("pods-ctr1-eth0.json")).exists();
    }

    @Test
    void del_twice_isIdempotent() {
        CniNetwork net = network(CHAIN);
        net.add(attachment);
        net.del(attachment);
        net.del(attachment);
        assertThat(runs).filteredOn(r -> r.endsWith("DEL")).hasSize(6);
    }

    @Test
    void del_corruptCache_fallsBackToCurrentConfig() throws IOException {
        Files.writeString(cacheDir.resolve("pods-ctr1-eth0.json"), "{broken");
        network(CHAIN).del(attachment);
        assertThat(runs).containsExactly("bandwidth DEL", "portmap DEL", "bridge DEL");
        assertThat(cacheDir.resolve("pods-ctr1-eth0.json")).doesNotExist();
    }

    @Test
    void check_afterAdd_runsInOrderWithCachedResult() {
        CniNetwork net = network(CHAIN);
        net.add(attachment);
        runs.clear();
        stdins.clear();
        net.check(attachment);
        assertThat(runs).containsExactly("bridge CHECK", "portmap CHECK", "bandwidth CHECK");
        assertThat(stdins).allSatisfy(s -> assertThat(s.get("prevResult").get("by").asText()).isEqualTo("bandwidth"));
    }

    @Test
    void check_withoutAdd_failsPrecondition() {
        assertThatThrownBy(() -> network(CHAIN).check(attachment)).isInstanceOf(GantryException.class)
                .hasMessageContaining("no cached ADD result");
    }

    @Test
    void check_disabledOrOldVersion_skipped() {
        network("{\"cniVersion\":\"1.0.0\",\"name\":\"pods\",\"disableCheck\":true,\"plugins\":[{\"type\":\"bridge\"}]}").check(attachment);
        network("{\"cniVersion\":\"0.3.1\",\"name\":\"pods\",\"plugins\":[{\"type\":\"bridge\"}]}").check(attachment);
        assertThat(runs).isEmpty();
    }

    @Test
    void cachedResult_afterAdd_survivesNewInstance() {
        network(CHAIN).add(attachment);
        assertThat(network(CHAIN).cachedResult(attachment)).map(r -> r.raw().get("by").asText()).contains("bandwidth");
    }

    @Test
    void add_ifNameWithSlash_rejected() {
        Attachment bad = new Attachment("ctr1", Path.of("/run/netns/p"), "../x", Map.of(), null);
        assertThatThrownBy(() -> network(CHAIN).add(bad)).hasMessageContaining("'/' not allowed");
    }

    private static final String PORTMAP_CHAIN = """
            {"cniVersion":"1.0.0","name":"pods","plugins":[{"type":"bridge"},
             {"type":"portmap","capabilities":{"portMappings":true}}]}""";

    private static final RuntimeConfig PORTS = new RuntimeConfig(
            List.of(new RuntimeConfig.PortMapping(8080, 80, "tcp", null), new RuntimeConfig.PortMapping(5353, 53, "udp", "127.0.0.1")),
            new RuntimeConfig.Bandwidth(1000, 2000, 3000, 4000),
            new RuntimeConfig.Dns(List.of("10.0.0.10"), List.of("svc.local"), List.of("ndots:5")), List.of("10.0.0.9"));

    @Test
    void del_withoutCapabilities_repeatsAddsPortMappingsFromCache() throws IOException {
        Attachment withPorts = new Attachment("ctr1", Path.of("/run/netns/p"), "eth0", Map.of(), PORTS);
        network(PORTMAP_CHAIN).add(withPorts);
        runs.clear();
        stdins.clear();

        network(PORTMAP_CHAIN).del(attachment);

        assertThat(runs).containsExactly("portmap DEL", "bridge DEL");
        assertThat(stdins.get(0).get("runtimeConfig")).isEqualTo(mapper.readTree("""
                {"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},
                                 {"hostPort":5353,"containerPort":53,"protocol":"udp","hostIP":"127.0.0.1"}]}"""));
        assertThat(stdins.get(1).has("runtimeConfig")).as("bridge declares no capabilities").isFalse();
    }

    @Test
    void cache_runtimeConfig_roundTripsEveryCapability() {
        Attachment withAll = new Attachment("ctr1", Path.of("/run/netns/p"), "eth0", Map.of(), PORTS);
        network(CHAIN).add(withAll);
        ResultCache.Entry entry = new ResultCache(cacheDir, mapper).read("pods", attachment).orElseThrow();
        assertThat(entry.runtimeConfig()).contains(PORTS);
    }

    @Test
    void del_oldCacheEntryWithoutRuntimeConfig_usesAttachmentsCapabilities() throws IOException {
        network(PORTMAP_CHAIN).add(attachment);
        Path file = cacheDir.resolve("pods-ctr1-eth0.json");
        com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(file.toFile());
        old.remove("runtimeConfig");
        Files.write(file, mapper.writeValueAsBytes(old));
        assertThat(network(PORTMAP_CHAIN).cachedResult(attachment)).isPresent();
        runs.clear();
        stdins.clear();

        network(PORTMAP_CHAIN).del(new Attachment("ctr1", Path.of("/run/netns/p"), "eth0", Map.of(), PORTS));

        assertThat(runs).containsExactly("portmap DEL", "bridge DEL");
        assertThat(stdins.get(0).get("runtimeConfig").get("portMappings")).hasSize(2);
        assertThat(stdins.get(0).get("prevResult").get("by").asText()).isEqualTo("portmap");
    }

    @Test
    void check_withoutCapabilities_repeatsAddsFromCache() {
        Attachment withPorts = new Attachment("ctr1", Path.of("/run/netns/p"), "eth0", Map.of(), PORTS);
        CniNetwork net = network(PORTMAP_CHAIN);
        net.add(withPorts);
        stdins.clear();
        net.check(attachment);
        assertThat(stdins.get(1).get("runtimeConfig").get("portMappings")).hasSize(2);
    }
}
