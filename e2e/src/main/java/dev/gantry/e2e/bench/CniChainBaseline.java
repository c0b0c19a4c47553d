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

    /** A netns with the ADD chain done: what DEL needs, and what making it took. */
    record Attached(String netns, String containerId, @Nullable JsonNode result, double netnsMillis, double addMillis) {

        /** The path runtimes hand to CNI and to runc's network namespace. */
        String netnsPath() {
            return CniChainBaseline.netnsPath(netns);
        }
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonNode conflist;

    /** Where {@code ip netns add} pins a namespace of that name. */
    private static String netnsPath(String netns) {
        return "/var/run/netns/" + netns;
    }

    CniChainBaseline(CniTestNetwork network) throws IOException {
        this.conflist = mapper.readTree(network.conflist());
    }

    List<Sample> run(int times) throws IOException {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            Attached attached = add("gtbench-" + i);
            try {
                samples.add(new Sample(attached.netnsMillis(), attached.addMillis(), del(attached)));
            } finally {
                HostCommands.quietly("ip", "netns", "del", attached.netns());
            }
        }
        return samples;
    }

    /**
     * A netns ({@code ip netns add}, timed) with the ADD chain run in it (timed): a pod's network
     * as the plugins alone make it. The caller runs {@link #del} and deletes the netns; when the
     * ADD fails, the netns is deleted here.
     */
    Attached add(String netns) throws IOException {
        HostCommands.quietly("ip", "netns", "del", netns);
        long created = System.nanoTime();
        HostCommands.run("ip", "netns", "add", netns);
        double netnsMillis = (System.nanoTime() - created) / 1e6;
        String containerId = "gtbench" + Long.toHexString(System.nanoTime());
        try {
            long start = System.nanoTime();
            JsonNode result = null;
            for (JsonNode plugin : conflist.path("plugins")) {
                result = exec("ADD", containerId, netns, plugin, result);
            }
            return new Attached(netns, containerId, result, netnsMillis, (System.nanoTime() - start) / 1e6);
        } catch (IOException | RuntimeException e) {
            HostCommands.quietly("ip", "netns", "del", netns);
            throw e;
        }
    }

    /** Runs the DEL chain of {@code attached}, in reverse; its milliseconds. The netns stays. */
    double del(Attached attached) throws IOException {
        long start = System.nanoTime();
        List<JsonNode> plugins = new ArrayList<>();
        conflist.path("plugins").forEach(plugins::add);
        for (int p = plugins.size() - 1; p >= 0; p--) {
            exec("DEL", attached.containerId(), attached.netns(), plugins.get(p), attached.result());
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private @Nullable JsonNode exec(String command, String containerId, String netns, JsonNode plugin, @Nullable JsonNode prevResult)
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
        env.put("CNI_NETNS", netnsPath(netns));
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
