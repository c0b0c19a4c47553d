package dev.gantry.e2e.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.HostCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The network's plugin chain run by hand, as the CNI spec describes it and without gantryd: a netns
 * from {@code ip netns add}, each plugin of the conflist exec'd in order with the CNI_* environment
 * and its config on stdin (ADD passes each result on as the next plugin's prevResult, DEL runs the
 * chain in reverse with the final result). The baseline for the daemon's RunPodSandbox and
 * StopPodSandbox: what the plugins alone cost. Netns creation ({@code ip netns add}) is timed apart,
 * so "create a namespace and run the ADD chain by hand" can be compared too; its deletion is not timed.
 */
final class CniChainBaseline {

    /** Milliseconds of one {@code ip netns add}, one ADD chain and one DEL chain. */
    record Sample(double netnsMillis, double addMillis, double delMillis) {

        double netnsAndAddMillis() {
            return netnsMillis + addMillis;
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final CniTestNetwork network;

    CniChainBaseline(CniTestNetwork network) {
        this.network = network;
    }

    List<Sample> run(int times) throws IOException {
        JsonNode conflist = mapper.readTree(network.conflist());
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            samples.add(once(conflist, "gtbench-" + i));
        }
        return samples;
    }

    private Sample once(JsonNode conflist, String netns) throws IOException {
        HostCommands.quietly("ip", "netns", "del", netns);
        long created = System.nanoTime();
        HostCommands.run("ip", "netns", "add", netns);
        double netnsMillis = (System.nanoTime() - created) / 1e6;
        String containerId = "gtbench" + Long.toHexString(System.nanoTime());
        try {
            long start = System.nanoTime();
            JsonNode result = null;
            for (JsonNode plugin : conflist.path("plugins")) {
                result = exec("ADD", containerId, netns, conflist, plugin, result);
            }
            long added = System.nanoTime();
            List<JsonNode> plugins = new ArrayList<>();
            conflist.path("plugins").forEach(plugins::add);
            for (int p = plugins.size() - 1; p >= 0; p--) {
                exec("DEL", containerId, netns, conflist, plugins.get(p), result);
            }
            long deleted = System.nanoTime();
            return new Sample(netnsMillis, (added - start) / 1e6, (deleted - added) / 1e6);
        } finally {
            HostCommands.quietly("ip", "netns", "del", netns);
        }
    }

    private @Nullable JsonNode exec(String command, String containerId, String netns, JsonNode conflist, JsonNode plugin, @Nullable JsonNode prevResult)
            throws IOException {
        ObjectNode config = plugin.deepCopy();
        config.put("cniVersion", conflist.path("cniVersion").asText());
        config.put("name", conflist.path("name").asText());
        if (plugin.path("capabilities").path("portMappings").asBoolean(false)) {
            config.putObject("runtimeConfig").putArray("portMappings");
        }
        if (prevResult != null) {
            config.set("prevResult", prevResult);
        }
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", containerId);
        env.put("CNI_NETNS", "/var/run/netns/" + netns);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", CniTestNetwork.DEBIAN_PLUGINS.toString());
        String type = plugin.path("type").asText();
        HostCommands.Outcome out = HostCommands.exec(env, mapper.writeValueAsBytes(config),
                CniTestNetwork.DEBIAN_PLUGINS.resolve(type).toString());
        if (!out.ok()) {
            throw new IllegalStateException("CNI " + command + " of " + type + " failed: " + out.stdout() + out.stderr());
        }
        return command.equals("ADD") ? mapper.readTree(out.stdout().getBytes(StandardCharsets.UTF_8)) : prevResult;
    }
}
