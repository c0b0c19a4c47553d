package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.harness.NodeCleanup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * containerd's CRI plugin run beside gantryd on the same node, for figures side by side in one
 * run: same registry and image, the same CNI network (conf dir, bridge and host-local store), pods
 * in the same cgroup parent, runc through containerd's runc v2 shim. Everything it makes lies in a
 * directory of its own (root, state, socket, runc's state, its plugins' paths), except the network
 * namespaces its CNI code names under /var/run/netns, which removing its pods removes, and the
 * fixed directories of {@link #FIXED_DIRS}. Closing removes every pod it still lists, stops it,
 * kills its shims and containers, deletes its directory, and those fixed directories it made.
 */
final class ContainerdBeside implements AutoCloseable {

    /** {@code BENCH_CONTAINERD=<containerd binary>}: the benchmarks that compare start one. */
    static final String ENV = "BENCH_CONTAINERD";
    private static final Duration READY = Duration.ofSeconds(30);
    /**
     * Where containerd 1.6 puts things whatever its config says, children first: its shims'
     * sockets, and libcni's cache of CNI results.
     */
    private static final List<Path> FIXED_DIRS = List.of(Path.of("/run/containerd/s"), Path.of("/run/containerd"),
            Path.of("/var/lib/cni/results"), Path.of("/var/lib/cni"));

    private final Path dir;
    private final Process process;
    private final String cgroupParent;
    private final List<Path> madeFixedDirs;

    private ContainerdBeside(Path dir, Process process, String cgroupParent, List<Path> madeFixedDirs) {
        this.dir = dir;
        this.process = process;
        this.cgroupParent = cgroupParent;
        this.madeFixedDirs = madeFixedDirs;
    }

    /** Starts {@code binary} for {@code node}'s registry, image and network, and waits until its CRI answers. */
    static ContainerdBeside start(Path binary, BenchNode.Node node, CniTestNetwork network) throws IOException, InterruptedException {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(ENV + ": no containerd at " + binary);
        }
        Path dir = Files.createTempDirectory("gantry-bench-containerd-");
        Files.writeString(dir.resolve("config.toml"), config(dir, node, network));
        List<Path> absent = FIXED_DIRS.stream().filter(d -> !Files.exists(d)).toList();
        Process process = new ProcessBuilder(binary.toString(), "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        ContainerdBeside started = new ContainerdBeside(dir, process, node.cgroupParent(), absent);
        try {
            started.awaitReady();
            return started;
        } catch (IOException | RuntimeException | InterruptedException e) {
            started.close();
            throw e;
        }
    }

    /**
     * A version 2 config (containerd 1.6 to 2.x read it) that keeps every path in {@code dir}, drops
     * the snapshotters this node cannot use, and lets the sandbox keep the runtime's own
     * oom_score_adj as gantryd does (this node has no CAP_SYS_RESOURCE to lower it).
     */
    private static String config(Path dir, BenchNode.Node node, CniTestNetwork network) {
        String registry = node.image().substring(0, node.image().indexOf('/'));
        String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
                  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
                [grpc]
                  address = "%1$s/containerd.sock"
                [ttrpc]
                  address = "%1$s/containerd.sock.ttrpc"
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"
                [%2$s]
                  sandbox_image = "%3$s"
                  restrict_oom_score_adj = true
                [%2$s.cni]
                  bin_dir = "%4$s"
                  conf_dir = "%5$s"
                [%2$s.containerd]
                  snapshotter = "overlayfs"
                  default_runtime_name = "runc"
                [%2$s.containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"
                [%2$s.containerd.runtimes.runc.options]
                  Root = "%1$s/runc"
                [%2$s.registry.mirrors."%6$s"]
                  endpoint = ["http://%6$s"]
                """.formatted(dir, cri, node.pauseImage(), CniTestNetwork.DEBIAN_PLUGINS, network.confDir(), registry);
    }

    /** Where everything of this containerd lies; its shims' command lines name it. */
    Path dir() {
        return dir;
    }

    Path socket() {
        return dir.resolve("containerd.sock");
    }

    /** containerd's own process: its shims are processes of their own. */
    long pid() {
        return process.pid();
    }

    private void awaitReady() throws IOException, InterruptedException {
        Instant giveUp = Instant.now().plus(READY);
        RuntimeException last = null;
        while (Instant.now().isBefore(giveUp)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("containerd exited " + process.exitValue() + ":\n" + log());
            }
            if (Files.exists(socket())) {
                try (CriClient client = CriClient.connect(socket(), Duration.ofSeconds(5))) {
                    client.runtime().version(VersionRequest.getDefaultInstance());
                    return;
                } catch (RuntimeException notYet) {
                    last = notYet;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("containerd's CRI did not answer within " + READY + " (" + last + "):\n" + log());
    }

    private String log() throws IOException {
        String out = Files.readString(dir.resolve("containerd.log"));
        return out.length() <= 4000 ? out : out.substring(out.length() - 4000);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            try (CriClient client = CriClient.connect(socket(), Duration.ofSeconds(30))) {
                NodeCleanup.removeContainersAndPods(client, List.of());
            } catch (RuntimeException e) {
                System.err.println("containerd cleanup: " + e.getMessage());
            }
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        Set<Long> pids = new LinkedHashSet<>(NodeCleanup.processesNaming(dir)); // the shims
        pids.addAll(NodeCleanup.cgroupProcesses(List.of(cgroupParent)));
        NodeCleanup.killAndAwait(pids, Duration.ofSeconds(10));
        List<String> left = new ArrayList<>(NodeCleanup.mountPoints().stream().filter(p -> p.startsWith(dir + "/")).toList());
        NodeCleanup.unmountUnder(dir, List.of());
        if (!pids.isEmpty() || !left.isEmpty()) {
            System.err.println("containerd cleanup: killed " + pids + ", unmounted " + left);
        }
        NodeCleanup.deleteTree(dir);
        for (Path made : madeFixedDirs) {
            try {
                Files.deleteIfExists(made); // refused while not empty: then it is not only containerd's
            } catch (IOException notEmpty) {
                System.err.println("containerd cleanup: " + made + " left: " + notEmpty.getMessage());
            }
        }
    }
}
