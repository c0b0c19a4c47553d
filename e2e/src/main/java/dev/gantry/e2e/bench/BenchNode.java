package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatusRequest;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.BusyboxLayer;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The node a container benchmark runs against: a registry on loopback serving {@value #IMAGE}
 * (busybox, plus any extra applets), a started gantryd (on its own CNI bridge when asked) and a
 * client connected to it. Afterwards everything is stopped and removed again, also when the
 * benchmark or the daemon failed, and a failure carries the end of the daemon's output.
 *
 * <pre>
 * BenchNode.named("ctr").network("gtbench2", "10.213.54.0/24").run(node -&gt; ...)
 * </pre>
 *
 * <p>Pods come from {@link Node#pod}: their cgroups lie under this run's own parent
 * ({@value PodConfigs#CGROUP_ROOT}/bench-&lt;name&gt;-&lt;random&gt;), so the cleanup kills and removes
 * only what this run made, never another run's containers on the same machine.
 */
final class BenchNode {

    /**
     * {@code BENCH_DEBUG_LOG=<file>}: the daemon logs at debug, which gives each operation's step
     * times (create, stop, remove, pod run/stop/remove), and its whole log is copied to the file at the end.
     */
    private static final @Nullable String DEBUG_LOG = System.getenv("BENCH_DEBUG_LOG");

    static final String REPOSITORY = "bench/busybox";
    static final String TAG = "1";
    static final String IMAGE = REPOSITORY + ":" + TAG;
    /** The same busybox sleeping for good: a sandbox image for another runtime run beside gantryd ({@link ContainerdBeside}). */
    static final String PAUSE_REPOSITORY = "bench/pause";

    private final String name;
    private final List<String> applets = new ArrayList<>();
    private @Nullable String bridge;
    private @Nullable String v4Subnet;

    private BenchNode(String name) {
        this.name = name;
    }

    /** A node for the benchmark {@code name} ("ctr", "stats"): the log dir's, the network's and the cgroup parent's name. */
    static BenchNode named(String name) {
        return new BenchNode(name);
    }

    /** Puts the pods on a CNI bridge network of their own; without this the daemon has no CNI config. */
    BenchNode network(String bridge, String v4Subnet) {
        this.bridge = bridge;
        this.v4Subnet = v4Subnet;
        return this;
    }

    /** Busybox applets the image needs besides {@link BusyboxLayer#APPLETS}. */
    BenchNode applets(String... names) {
        applets.addAll(List.of(names));
        return this;
    }

    /** The benchmark's work against the started node. */
    interface Body<T> {
        T run(Node node) throws Exception;
    }

    /**
     * The started node.
     *
     * @param network the pods' CNI network, or {@code null} when none was asked for
     * @param cgroupParent the parent of every pod cgroup of this run
     * @param pauseImage {@value #PAUSE_REPOSITORY} in the same registry as {@code image}
     */
    record Node(CriClient client, GantryDaemon daemon, @Nullable CniTestNetwork network, Path logRoot, String image,
            String cgroupParent, String pauseImage) {

        /** A pod as {@link PodConfigs#named}, with its cgroup under this run's parent. */
        PodSandboxConfig.Builder pod(String podName) {
            return PodConfigs.named(podName, logRoot, cgroupParent);
        }
    }

    /**
     * Polls ContainerStatus every {@code poll} until the container is RUNNING; fails after 60 s.
     * Pod-start figures that include this wait poll tightly.
     */
    static void awaitRunning(CriClient client, String id, Duration poll) throws InterruptedException {
        Instant giveUp = Instant.now().plusSeconds(60);
        while (client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
                .getStatus().getState() != ContainerState.CONTAINER_RUNNING) {
            if (Instant.now().isAfter(giveUp)) {
                throw new IllegalStateException("container " + id + " not RUNNING after 60 s");
            }
            Thread.sleep(poll);
        }
    }

    /** Puts {@code log_level = "debug"} at the top of the daemon's config, before any table, keeping the rest. */
    private static void logAtDebug(Path configFile) throws IOException {
        String rest = Files.exists(configFile) ? Files.readString(configFile) : "";
        Files.writeString(configFile, "log_level = \"debug\"\n" + rest);
    }

    /** Starts the node, runs {@code body} against it and tears it down again. */
    <T> T run(Body<T> body) throws Exception {
        String cgroupParent = PodConfigs.CGROUP_ROOT + "/bench-" + name + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        Path logRoot = Files.createTempDirectory("gantry-bench-" + name + "-logs-");
        if (bridge != null) {
            HostCommands.quietly("ip", "link", "del", bridge);
        }
        Layer.Builder layer = BusyboxLayer.builder();
        for (String applet : applets) {
            layer.symlink("bin/" + applet, "busybox");
        }
        try (RegistryServer registry = RegistryServer.anonymous(null);
                Layer busybox = layer.build();
                CniTestNetwork network = bridge == null ? null : CniTestNetwork.ipv4("gantry-bench-" + name, bridge, Objects.requireNonNull(v4Subnet));
                GantryDaemon daemon = GantryDaemon.create()) {
            OciImageBuilder.create().layer(busybox).env("PATH=/bin").cmd("sh").push(registry.registry(), REPOSITORY, TAG);
            String image = registry.registry().reference(REPOSITORY, TAG);
            OciImageBuilder.create().layer(busybox).env("PATH=/bin").cmd("sleep", "2147483647")
                    .push(registry.registry(), PAUSE_REPOSITORY, TAG);
            if (network != null) {
                network.configure(daemon.configFile());
                network.install();
            }
            if (DEBUG_LOG != null) {
                logAtDebug(daemon.configFile());
            }
            daemon.startAndAwaitReady();
            try (CriClient client = CriClient.connect(daemon.socket(), Duration.ofMinutes(2))) {
                return body.run(new Node(client, daemon, network, logRoot, image, cgroupParent,
                        registry.registry().reference(PAUSE_REPOSITORY, TAG)));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage() + BenchCleanup.tail(daemon), e);
            } finally {
                if (DEBUG_LOG != null) {
                    Files.writeString(Path.of(DEBUG_LOG), daemon.output());
                }
                BenchCleanup.sweep(daemon, cgroupParent);
            }
        } finally {
            ImagePullBenchmark.deleteTree(logRoot);
            BenchCleanup.removeCgroups(cgroupParent);
        }
    }
}
