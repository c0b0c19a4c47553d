package dev.gantry.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.HostCommands;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's by-hand plugin chain and the test network fixture: ADD gives the netns an address
 * of the subnet, DEL takes everything back, the failpoint plugin fails ADD as the e2e tests expect,
 * and closing the network leaves no bridge and no iptables line of it.
 */
class CniChainBaselineIT {

    @Test
    void run_bridgeAndPortmapChain_addsAndDeletesCleanly() throws Exception {
        HostCommands.quietly("ip", "link", "del", "gtbench9");
        CniTestNetwork network = CniTestNetwork.ipv4("gantry-bench-it", "gtbench9", "10.213.59.0/24");
        try {
            List<CniChainBaseline.Sample> samples = new CniChainBaseline(network).run(2);

            assertThat(samples).hasSize(2).allSatisfy(s -> assertThat(s.addMillis()).isPositive());
            assertThat(network.reservations()).isEmpty();
            assertThat(network.bridgePorts()).isEmpty();
            assertThat(HostCommands.run("ip", "-o", "addr", "show", "dev", "gtbench9")).contains("10.213.59.1/24");
        } finally {
            network.close();
        }
        assertThat(HostCommands.exec(Map.of(), null, "ip", "link", "show", "gtbench9").ok()).isFalse();
        assertThat(HostCommands.run("iptables-save")).doesNotContain("10.213.59.").doesNotContain("gantry-bench-it");
    }

    @Test
    void failpointPlugin_add_failsWithCniErrorAndDelSucceeds() {
        CniTestNetwork network = CniTestNetwork.ipv4("gantry-fp-it", "gtbench8", "10.213.58.0/24");
        try {
            String plugin = network.confDir().getParent().resolve("bin").resolve(CniTestNetwork.FAILPOINT_PLUGIN).toString();
            byte[] config = "{\"cniVersion\":\"1.0.0\",\"name\":\"x\",\"type\":\"gte2e-fail\"}".getBytes(StandardCharsets.UTF_8);

            HostCommands.Outcome add = HostCommands.exec(Map.of("CNI_COMMAND", "ADD"), config, plugin);
            HostCommands.Outcome del = HostCommands.exec(Map.of("CNI_COMMAND", "DEL"), config, plugin);

            assertThat(add.exitCode()).isEqualTo(1);
            assertThat(add.stdout()).contains("\"code\":" + CniTestNetwork.FAILPOINT_CODE, CniTestNetwork.FAILPOINT_MSG);
            assertThat(del.ok()).isTrue();
        } finally {
            network.close();
        }
    }
}
