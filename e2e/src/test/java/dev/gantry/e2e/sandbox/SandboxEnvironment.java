package dev.gantry.e2e.sandbox;

import dev.gantry.cri.v1.PodSandbox;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.GantryDaemon;
import dev.gantry.e2e.harness.NodeCleanup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test's node: the test CNI network (bridge {@value #BRIDGE}, 10.213.50.0/24), a gantryd whose
 * [cni] section points at it, and a log root. The test starts the daemon itself, so it may shape the
 * conf dir first. After each test, pass or fail: the pods it ran are stopped and removed, the daemon
 * stopped (its output printed when the test failed), and whatever a broken daemon left is swept
 * (infra processes, mounts under its dirs, the test's cgroups, bridge, iptables chains, temp dirs).
 *
 * <pre>{@code
 * @RegisterExtension final SandboxEnvironment node = SandboxEnvironment.ipv4();
 * }</pre>
 */
final class SandboxEnvironment implements BeforeEachCallback, AfterEachCallback {

    static final String BRIDGE = "gte2e0";
    static final String NETWORK = "gantry-e2e";
    static final String V4_SUBNET = "10.213.50.0/24";
    static final String V6_SUBNET = "fd00:213:50::/64";

    private final boolean dualStack;
    private CniTestNetwork network;
    private GantryDaemon first;
    private GantryDaemon daemon;
    private CriClient client;
    private Path logRoot;
    private final Set<String> podIds = new LinkedHashSet<>();
    private final Set<String> cgroupParents = new LinkedHashSet<>();
    private final Set<Long> infraPids = new LinkedHashSet<>();
    private Set<Long> infraBefore = Set.of();

    private SandboxEnvironment(boolean dualStack) {
        this.dualStack = dualStack;
    }

    static SandboxEnvironment ipv4() {
        return new SandboxEnvironment(false);
    }

    static SandboxEnvironment dualStack() {
        return new SandboxEnvironment(true);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        NodeCleanup.sweepKilledRuns();
        HostCommands.quietly("ip", "link", "del", BRIDGE); // a previous run killed before its cleanup
        network = dualStack ? CniTestNetwork.dualStack(NETWORK, BRIDGE, V4_SUBNET, V6_SUBNET)
                : CniTestNetwork.ipv4(NETWORK, BRIDGE, V4_SUBNET);
        first = GantryDaemon.create();
        daemon = first;
        network.configure(daemon.configFile());
        logRoot = Files.createTempDirectory("gantry-e2e-logs-");
        infraBefore = Set.copyOf(ourInfraProcesses());
    }

    /**
     * catatonit processes started since this test began by a daemon of this test run: the daemon
     * inherits this JVM's working directory, and so do its infra processes, orphaned or not.
     */
    List<Long> newInfraProcesses() {
        return ourInfraProcesses().stream().filter(pid -> !infraBefore.contains(pid)).toList();
    }

    private static List<Long> ourInfraProcesses() {
        Path cwd = Path.of("").toAbsolutePath();
        return ProcessHandle.allProcesses()
                .filter(p -> Leftovers.infra(p.pid()).isPresent())
                .filter(p -> {
                    try {
                        return Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "cwd")).equals(cwd);
                    } catch (IOException e) {
                        return false;
                    }
                })
                .map(ProcessHandle::pid)
                .toList();
    }

    /** Installs the bridge conflist and starts the daemon. */
    PodCalls start() {
        network.install();
        return startAsIs();
    }

    /** Starts the daemon with the conf dir as the test left it. */
    PodCalls startAsIs() {
        daemon.startAndAwaitReady();
        client = daemon.client();
        return pods();
    }

    /** kill -9 the daemon, then a new one on the same root, state and config; pods stay where they are. */
    PodCalls killAndRestart() {
        kill();
        return restartStopped();
    }

    /** kill -9 the daemon and wait until it is gone; what it ran (pods, plugins) stays. */
    void kill() {
        ProcessHandle.of(daemon.pid()).ifPresent(ProcessHandle::destroyForcibly);
        daemon.awaitExit(Duration.ofSeconds(30));
    }

    /**
     * Arms gantryd failpoints (comma-separated names, see common.lifecycle.Failpoints) in the daemon
     * this test starts first: reaching one, it dies as kill -9 would. Restarted daemons run without.
     */
    void armFailpoints(String names) {
        if (daemon != first || daemon.isAlive()) {
            throw new IllegalStateException("arm failpoints before the first start");
        }
        first = first.withEnv(FAILPOINTS, names);
        daemon = first;
    }

    private static final String FAILPOINTS = "GANTRY_FAILPOINTS";

    /** A new daemon on the same root, state and config, after the current one has exited; no failpoints armed. */
    PodCalls restartStopped() {
        client.close();
        GantryDaemon previous = daemon;
        daemon = daemon.sibling(daemon.state()).withEnv(FAILPOINTS, "");
        if (previous != first) {
            previous.stop();
        }
        return startAsIs();
    }

    /** What a reboot does to the state dir (a tmpfs): every mount under it gone, then every file. The daemon must be stopped. */
    void wipeState() throws IOException {
        if (daemon.isAlive()) {
            throw new IllegalStateException("stop the daemon before wiping its state dir");
        }
        String prefix = daemon.state() + "/";
        List<String> mountPoints = NodeCleanup.mountPoints().stream()
                .filter(p -> p.startsWith(prefix))
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        for (String mountPoint : mountPoints) {
            HostCommands.run("umount", "-l", mountPoint);
        }
        NodeCleanup.deleteTree(daemon.state());
    }

    PodCalls pods() {
        return new RecordingCalls(client);
    }

    /** A pod config of this test: named, logging under the test's log root, with its own cgroup parent. */
    PodSandboxConfig.Builder pod(String name) {
        return PodConfigs.named(name, logRoot);
    }

    /** Remembers what a pod holds, so cleanup can sweep it even if the daemon cannot. */
    PodInfo track(PodInfo info) {
        podIds.add(info.id());
        if (info.infraPid() > 0) {
            infraPids.add(info.infraPid());
        }
        return info;
    }

    CniTestNetwork network() {
        return network;
    }

    GantryDaemon daemon() {
        return daemon;
    }

    CriClient client() {
        return client;
    }

    List<String> leftovers(PodInfo pod) {
        return Leftovers.of(pod, daemon.state(), network);
    }

    /** The daemon's output so far, for assertion messages. */
    String output() {
        return daemon.output();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        NodeCleanup cleanup = NodeCleanup.after(context, first, daemon);
        cleanup.step(this::removePods);
        cleanup.step(() -> {
            if (client != null) {
                client.close();
            }
        });
        cleanup.step(() -> NodeCleanup.stop(first, daemon));
        cleanup.step(this::killInfra);
        cleanup.step(() -> NodeCleanup.unmountUnder(first.dir(), podIds));
        cleanup.step(this::removeCgroups);
        cleanup.step(network::close);
        cleanup.step(first::close);
        cleanup.step(() -> NodeCleanup.deleteTree(logRoot));
        cleanup.finish();
    }

    private void removePods() {
        if (client == null || !daemon.isAlive()) {
            return;
        }
        Set<String> ids = new LinkedHashSet<>(podIds);
        try {
            pods().list().stream().map(PodSandbox::getId).forEach(ids::add);
        } catch (RuntimeException e) {
            // the daemon cannot list; remove what we know of
        }
        for (String id : ids) {
            try {
                PodCalls calls = new PodCalls(client);
                calls.stop(id);
                calls.remove(id);
            } catch (RuntimeException e) {
                System.err.println("cleanup: remove pod " + id + ": " + e.getMessage());
            }
        }
    }

    private void killInfra() {
        Set<Long> pids = new LinkedHashSet<>(infraPids);
        pids.addAll(newInfraProcesses());
        for (long pid : pids) {
            Leftovers.infra(pid).ifPresent(what -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    private void removeCgroups() {
        for (Path hierarchy : Leftovers.hierarchies()) {
            Path root = hierarchy.resolve(PodConfigs.CGROUP_ROOT.substring(1));
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> dirs = Files.walk(root)) {
                // cgroup dirs are removed with rmdir, deepest first; their files are not real files
                dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                System.err.println("cleanup: cgroups under " + root + ": " + e);
            }
        }
    }


    /** PodCalls that remember every pod id they ran, for cleanup. */
    private final class RecordingCalls extends PodCalls {

        RecordingCalls(CriClient client) {
            super(client);
        }

        @Override
        String run(PodSandboxConfig config, String handler) {
            String id = super.run(config, handler);
            podIds.add(id);
            return id;
        }

        @Override
        PodInfo info(String id) {
            return track(super.info(id));
        }
    }
}
