package dev.gantry.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gantry.cri.v1.PodSandboxStatus;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.harness.TestNode;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A dual-stack network: IPv4 first in status, IPv6 among the additional IPs, both routed between pods, both released. */
class SandboxDualStackIT {

    @RegisterExtension
    final TestNode node = TestNode.sandboxDualStack();

    @BeforeEach
    void needsIpv6() {
        assumeTrue(CniTestNetwork.ipv6Enabled(), "IPv6 is disabled on this host");
    }

    @Test
    void run_dualStack_ipv4PrimaryAndIpv6Additional() {
        PodCalls pods = new PodCalls(node.start());
        String id = pods.run(node.pod("dual").build());

        PodSandboxStatus status = pods.status(id);

        assertThat(status.getNetwork().getIp()).startsWith(node.network().v4Prefix());
        assertThat(status.getNetwork().getAdditionalIpsList()).hasSize(1);
        assertThat(status.getNetwork().getAdditionalIps(0).getIp()).startsWith("fd00:213:50:");
    }

    @Test
    void twoPods_dualStack_pingOverIpv6() throws InterruptedException {
        PodCalls pods = new PodCalls(node.start());
        PodInfo a = pods.info(pods.run(node.pod("dual-a").build()));
        PodInfo b = pods.info(pods.run(node.pod("dual-b").build()));
        String bV6 = b.ips().get(1);

        // a fresh IPv6 address is usable once duplicate address detection is done: a few seconds at most
        Instant giveUp = Instant.now().plusSeconds(15);
        HostCommands.Outcome ping;
        do {
            ping = Nsenter.in("net", a.netnsPath(), "busybox", "ping", "-6", "-c1", "-W2", bV6);
        } while (!ping.ok() && Instant.now().isBefore(giveUp) && sleep());

        assertThat(ping.ok()).as("ping6 a -> b: %s %s", ping.stdout(), ping.stderr()).isTrue();
    }

    @Test
    void remove_dualStack_releasesBothAddresses() {
        PodCalls pods = new PodCalls(node.start());
        PodInfo pod = pods.info(pods.run(node.pod("dual-gone").build()));
        assertThat(pod.ips()).hasSize(2);
        assertThat(node.network().reservations()).hasSize(2);

        pods.remove(pod.id());

        assertThat(node.network().reservations()).isEmpty();
        assertThat(Leftovers.of(pod, node)).isEmpty();
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(500);
        return true;
    }
}
