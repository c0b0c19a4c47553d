package dev.gantry.cni.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginInputTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private static final RuntimeConfig ALL = new RuntimeConfig(
            List.of(new RuntimeConfig.PortMapping(8080, 80, "tcp", null), new RuntimeConfig.PortMapping(53, 53, "udp", "127.0.0.1")),
            new RuntimeConfig.Bandwidth(1000, 2000, 3000, 4000),
            new RuntimeConfig.Dns(List.of("10.96.0.10"), List.of("svc.cluster.local"), List.of("ndots:5")),
            List.of("10.1.0.9/24"));

    private ObjectNode json(String s) throws Exception {
        return (ObjectNode) mapper.readTree(s);
    }

    @Test
    void environment_add_setsEverySpecVariable() {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("IgnoreUnknown", "1");
        args.put("K8S_POD_NAME", "web");
        PluginCall call = new PluginCall(CniCommand.ADD, "abc123", Path.of("/run/netns/p1"), "eth0", args, null);
        Map<String, String> env = PluginInput.environment(call, List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni")));
        assertThat(env).containsExactly(
                Map.entry("CNI_COMMAND", "ADD"),
                Map.entry("CNI_CONTAINERID", "abc123"),
                Map.entry("CNI_NETNS", "/run/netns/p1"),
                Map.entry("CNI_IFNAME", "eth0"),
                Map.entry("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAME=web"),
                Map.entry("CNI_PATH", "/opt/cni/bin:/usr/lib/cni"));
    }

    @Test
    void environment_status_omitsAttachmentVariables() {
        Map<String, String> env = PluginInput.environment(
                new PluginCall(CniCommand.STATUS, null, null, null, null, null), List.of(Path.of("/b")));
        assertThat(env).containsOnlyKeys("CNI_COMMAND", "CNI_ARGS", "CNI_PATH");
        assertThat(env.get("CNI_COMMAND")).isEqualTo("STATUS");
        assertThat(env.get("CNI_ARGS")).isEmpty();
    }

    @Test
    void stdin_addsNameVersionAndPrevResult() throws Exception {
        ObjectNode plugin = json("{\"type\":\"portmap\",\"snat\":true}");
        ObjectNode prev = json("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.2/24\"}]}");
        ObjectNode stdin = PluginInput.stdin(mapper, plugin, "pods", "1.0.0", prev, RuntimeConfig.NONE);
        assertThat(stdin).isEqualTo(json("""
                {"type":"portmap","snat":true,"name":"pods","cniVersion":"1.0.0",
                 "prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.2/24"}]}}"""));
        assertThat(plugin.has("name")).as("the config list's node is not changed").isFalse();
    }

    @Test
    void stdin_pluginWithoutCapabilities_getsNoRuntimeConfig() throws Exception {
        ObjectNode stdin = PluginInput.stdin(mapper, json("{\"type\":\"bridge\"}"), "pods", "1.0.0", null, ALL);
        assertThat(stdin.has("runtimeConfig")).isFalse();
        assertThat(stdin.has("prevResult")).isFalse();
    }

    @Test
    void stdin_declaredCapabilities_onlyThosePassed() throws Exception {
        ObjectNode plugin = json("{\"type\":\"portmap\",\"capabilities\":{\"portMappings\":true,\"bandwidth\":false}}");
        ObjectNode stdin = PluginInput.stdin(mapper, plugin, "pods", "1.0.0", null, ALL);
        assertThat(stdin.get("runtimeConfig")).isEqualTo(json("""
                {"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},
                                 {"hostPort":53,"containerPort":53,"protocol":"udp","hostIP":"127.0.0.1"}]}"""));
    }

    @Test
    void runtimeConfig_allCapabilities_allPassedInSpecShape() throws Exception {
        ObjectNode caps = json("{\"portMappings\":true,\"bandwidth\":true,\"dns\":true,\"ips\":true,\"mac\":true}");
        ObjectNode rc = PluginInput.runtimeConfig(mapper, caps, ALL);
        assertThat(rc.fieldNames()).toIterable().containsExactly("portMappings", "bandwidth", "dns", "ips");
        // Rates are longs, so compare the JSON text rather than int-typed nodes.
        assertThat(rc.get("bandwidth").toString()).isEqualTo("{\"ingressRate\":1000,\"ingressBurst\":2000,\"egressRate\":3000,\"egressBurst\":4000}");
        assertThat(rc.get("dns")).isEqualTo(json("{\"servers\":[\"10.96.0.10\"],\"searches\":[\"svc.cluster.local\"],\"options\":[\"ndots:5\"]}"));
        assertThat(rc.get("ips").toString()).isEqualTo("[\"10.1.0.9/24\"]");
    }

    @Test
    void runtimeConfig_ipRanges_oneRangeSetPerPodCidr_onlyWhenDeclared() throws Exception {
        RuntimeConfig withRanges = ALL.withIpRanges(List.of("10.244.1.0/24", "fd00:1::/64"));

        ObjectNode rc = PluginInput.runtimeConfig(mapper, json("{\"ipRanges\":true}"), withRanges);
        assertThat(rc).isEqualTo(json("{\"ipRanges\":[[{\"subnet\":\"10.244.1.0/24\"}],[{\"subnet\":\"fd00:1::/64\"}]]}"));
        assertThat(PluginInput.runtimeConfig(mapper, json("{\"portMappings\":true}"), withRanges).has("ipRanges")).isFalse();
    }

    @Test
    void runtimeConfig_declaredButNotRequested_omitted() throws Exception {
        ObjectNode caps = json("{\"portMappings\":true,\"bandwidth\":true}");
        assertThat(PluginInput.runtimeConfig(mapper, caps, RuntimeConfig.NONE).isEmpty()).isTrue();
    }

    @Test
    void stdin_configCarriesOwnRuntimeConfig_replacedByFiltered() throws Exception {
        ObjectNode plugin = json("{\"type\":\"x\",\"runtimeConfig\":{\"evil\":1}}");
        assertThat(PluginInput.stdin(mapper, plugin, "n", "1.0.0", null, ALL).has("runtimeConfig")).isFalse();
    }
}
