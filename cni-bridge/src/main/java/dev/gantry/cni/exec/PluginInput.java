package dev.gantry.cni.exec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Pure functions that build a plugin's environment and stdin, as the CNI spec defines them. */
final class PluginInput {

    private PluginInput() {}

    static Map<String, String> environment(PluginCall call, List<Path> binDirs) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CNI_COMMAND", call.command().name());
        if (call.containerId() != null) {
            env.put("CNI_CONTAINERID", call.containerId());
        }
        if (call.netns() != null) {
            env.put("CNI_NETNS", call.netns().toString());
        }
        if (call.ifName() != null) {
            env.put("CNI_IFNAME", call.ifName());
        }
        env.put("CNI_ARGS", call.args().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(";")));
        env.put("CNI_PATH", binDirs.stream().map(Path::toString).collect(Collectors.joining(":")));
        return env;
    }

    /**
     * The plugin's config with the network's name and cniVersion, the previous result when chained,
     * and a runtimeConfig holding only the capabilities the plugin declares.
     */
    static ObjectNode stdin(ObjectMapper mapper, ObjectNode plugin, String networkName, String cniVersion,
                            @Nullable JsonNode prevResult, RuntimeConfig runtimeConfig) {
        ObjectNode config = plugin.deepCopy();
        config.put("name", networkName);
        config.put("cniVersion", cniVersion);
        config.remove("runtimeConfig");
        if (prevResult != null) {
            config.set("prevResult", prevResult.deepCopy());
        }
        ObjectNode runtime = runtimeConfig(mapper, plugin.path("capabilities"), runtimeConfig);
        if (!runtime.isEmpty()) {
            config.set("runtimeConfig", runtime);
        }
        return config;
    }

    static ObjectNode runtimeConfig(ObjectMapper mapper, JsonNode capabilities, RuntimeConfig rc) {
        ObjectNode out = mapper.createObjectNode();
        if (capabilities.path("portMappings").asBoolean(false) && !rc.portMappings().isEmpty()) {
            ArrayNode ports = out.putArray("portMappings");
            for (RuntimeConfig.PortMapping p : rc.portMappings()) {
                ObjectNode port = ports.addObject();
                port.put("hostPort", p.hostPort());
                port.put("containerPort", p.containerPort());
                port.put("protocol", p.protocol());
                if (p.hostIP() != null && !p.hostIP().isEmpty()) {
                    port.put("hostIP", p.hostIP());
                }
            }
        }
        if (capabilities.path("bandwidth").asBoolean(false) && rc.bandwidth() != null) {
            ObjectNode bw = out.putObject("bandwidth");
            bw.put("ingressRate", rc.bandwidth().ingressRate());
            bw.put("ingressBurst", rc.bandwidth().ingressBurst());
            bw.put("egressRate", rc.bandwidth().egressRate());
            bw.put("egressBurst", rc.bandwidth().egressBurst());
        }
        if (capabilities.path("dns").asBoolean(false) && rc.dns() != null) {
            ObjectNode dns = out.putObject("dns");
            rc.dns().servers().forEach(dns.withArray("servers")::add);
            rc.dns().searches().forEach(dns.withArray("searches")::add);
            rc.dns().options().forEach(dns.withArray("options")::add);
        }
        if (capabilities.path("ips").asBoolean(false) && !rc.ips().isEmpty()) {
            rc.ips().forEach(out.putArray("ips")::add);
        }
        if (capabilities.path("ipRanges").asBoolean(false) && !rc.ipRanges().isEmpty()) {
            // The CNI CONVENTIONS shape: a list of range sets; each pod CIDR (one per family) is its own set.
            ArrayNode ranges = out.putArray("ipRanges");
            rc.ipRanges().forEach(subnet -> ranges.addArray().addObject().put("subnet", subnet));
        }
        return out;
    }
}
