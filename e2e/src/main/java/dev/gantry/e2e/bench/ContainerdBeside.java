package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.harness.NodeCleanup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * containerd's CRI plugin run beside gantryd on the same node, for figures side by side in one
 * run: same registry and image, the same CNI network (conf dir, bridge and host-local store), pods
 * in the same cgroup parent, runc through containerd's runc v2 shim. Everything it makes lies in a
 * directory of its own (root, state, socket, runc's state, its plugins' paths), except the network
 * namespaces its CNI code names under /var/run/netns, which removing its pods removes, and the
 * fixed directories of {@link #FIXED_DIRS}. Closing removes every pod it still lists, stops it,
 * kills its shims and what is left in the pods' cgroup parent (shared with gantryd's pods, which a
 * benchmark has removed by then, or which a failed one's cleanup kills anyway), deletes its
 * directory, and those fixed directories it made.
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
    private final @Nullable String cgroupParent;
    private final List<Path> madeFixedDirs;

    /**
     * What containerd is set up with.
     *
     * @param registry host:port of the loopback registry it pulls from over plain HTTP
     * @param sandboxImage its pods' sandbox image, in that registry
     * @param cniConfDir its CNI conf dir (empty, or absent, for a containerd that runs no pods)
     * @param cgroupParent the parent of its pods' cgroups, whose processes closing kills; null when it runs no pods
     */
    record Setup(String registry, String sandboxImage, Path cniConfDir, @Nullable String cgroupParent) {

        /** For pods on {@code node}'s network, image and registry. */
        static Setup pods(BenchNode.Node node, CniTestNetwork network) {
            return new Setup(node.image().substring(0, node.image().indexOf('/')), node.pauseImage(), network.confDir(),
                    node.cgroupParent());
        }

        /** For pulls alone. */
        static Setup pulls(String registry, Path work) {
            return new Setup(registry, registry + "/none/pause:1", work.resolve("no-cni"), null);
        }
    }

    private ContainerdBeside(Path dir, Process process, @Nullable String cgroupParent, List<Path> madeFixedDirs) {
        this.dir = dir;
        this.process = process;
        this.cgroupParent = cgroupParent;
        this.madeFixedDirs = madeFixedDirs;
    }

    /** Starts {@code binary} for {@code node}'s registry, image and network, and waits until its CRI answers. */
    static ContainerdBeside start(Path binary, BenchNode.Node node, CniTestNetwork network) throws IOException, InterruptedException {
        return start(binary, Setup.pods(node, network));
    }

    /** Starts {@code binary} as {@code setup} says, and waits until its CRI answers. */
    static ContainerdBeside start(Path binary, Setup setup) throws IOException, InterruptedException {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(ENV + ": no containerd at " + binary);
        }
        Path dir = Files.createTempDirectory("gantry-bench-containerd-");
        Files.writeString(dir.resolve("config.toml"), config(dir, setup));
        List<Path> absent = FIXED_DIRS.stream().filter(d -> !Files.exists(d)).toList();
        Process process = new ProcessBuilder(binary.toString(), "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("containerd.log").toFile()).start();
        ContainerdBeside started = new ContainerdBeside(dir, process, setup.cgroupParent(), absent);
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
    private static String config(Path dir, Setup setup) {
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
                """.formatted(dir, cri, setup.sandboxImage(), CniTestNetwork.DEBIAN_PLUGINS, setup.cniConfDir(), setup.registry());
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

    /**
     * Waits until containerd holds no blob and no snapshot: its garbage collector deletes a removed
     * image's content after RemoveImage answers, and a pull that found it would not be cold.
     */
    void awaitEmptyStore(Duration timeout) throws IOException, InterruptedException {
        Path root = dir.resolve("root");
        List<Path> stores = List.of(root.resolve("io.containerd.content.v1.content/blobs/sha256"),
                root.resolve("io.containerd.snapshotter.v1.overlayfs/snapshots"));
        Instant giveUp = Instant.now().plus(timeout);
        while (stores.stream().anyMatch(ContainerdBeside::holdsAnything)) {
            if (Instant.now().isAfter(giveUp)) {
                throw new IllegalStateException("containerd still holds blobs or snapshots " + timeout + " after the image's removal");
            }
            Thread.sleep(50);
        }
    }

    private static boolean holdsAnything(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        } catch (NoSuchFileException absent) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        Instant giveUp = Instant.now().plus(READY);
        @Nullable RuntimeException last = null;
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
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        Set<Long> pids = new LinkedHashSet<>(NodeCleanup.processesNaming(dir)); // the shims
        if (cgroupParent != null) {
            pids.addAll(NodeCleanup.cgroupProcesses(List.of(cgroupParent)));
        }
        NodeCleanup.killAndAwait(pids, Duration.ofSeconds(10));
        List<String> left = NodeCleanup.mountPoints().stream().filter(p -> p.startsWith(dir + "/")).toList();
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
