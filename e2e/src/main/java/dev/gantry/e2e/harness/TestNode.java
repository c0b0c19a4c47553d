package dev.gantry.e2e.harness;

import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.fixtures.PodConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test's node, for the sandbox, container and streaming tests: a CNI network of its own (bridge,
 * subnets, conf dir), a gantryd whose [cni] section points at it, a log root, and, for container
 * tests, the {@link TestImages} pulled once the daemon runs. The test starts the daemon itself, so it
 * may shape the conf dir or gantry.toml first.
 *
 * <p>After each test, pass or fail: every container is stopped (timeout 0) and removed, every pod
 * stopped and removed, the daemon stopped (its output printed when the test failed), and whatever a
 * broken or killed daemon left is swept without asking it: processes naming its directory (conmon,
 * runc), processes in the cgroups of the test's pods, infra processes it started, mounts under its
 * directory, the pods' cgroups, the bridge and iptables rules of the network, temporary dirs. Before
 * each test, what killed test JVMs left is swept ({@link NodeCleanup#sweepKilledRuns}, and the
 * bridges and iptables rules of networks named after a pid that no longer runs).
 *
 * <pre>{@code
 * @RegisterExtension final TestNode node = TestNode.containers();
 * ContainerCalls calls = new ContainerCalls(node.start());
 * PodSandboxConfig pod = node.pod("web").build();
 * String podId = node.runPod(pod);
 * }</pre>
 */
public final class TestNode implements BeforeEachCallback, AfterEachCallback {

    private static final long PID = ProcessHandle.current().pid();
    /** Bridges and CNI networks named after the test JVM's pid: a later run deletes those whose JVM no longer runs. */
    private static final String PID_BRIDGE_PREFIX = "gtc";
    private static final Pattern PID_BRIDGES = Pattern.compile(PID_BRIDGE_PREFIX + "(\\d+)");
    private static final String PID_NETWORK_PREFIX = "gantry-e2e-ctr-";
    /** A pid-named network in an iptables rule's CNI comment: {@code name: \"gantry-e2e-ctr-<pid>\"}. */
    private static final Pattern PID_NETWORK_IN_RULE = Pattern.compile("\\\\\"(" + PID_NETWORK_PREFIX + "(\\d+))\\\\\"");
    private static final String FAILPOINTS = "GANTRY_FAILPOINTS";

    /**
     * What differs between nodes. Each kind of test has a bridge and subnet of its own, so a sandbox
     * test's leftover never passes for a container test's, and a pid-named network keeps two JVMs
     * apart.
     *
     * @param network   the CNI network's name
     * @param v6Subnet  null for an IPv4-only network
     * @param testImages whether {@link #start()} pulls the {@link TestImages} (pushed once per run)
     * @param daemons   makes the test's first daemon (another launcher, another environment)
     */
    public record Options(String network, String bridge, String v4Subnet, @Nullable String v6Subnet, boolean testImages,
            Supplier<GantryDaemon> daemons) {}

    private final Options options;
    // Set by beforeEach for one test, cleared by afterEach.
    private @Nullable Run run;

    private TestNode(Options options) {
        this.options = options;
    }

    public static TestNode of(Options options) {
        return new TestNode(options);
    }

    /** A sandbox test's node: bridge gte2e0, 10.213.50.0/24, no images. */
    public static TestNode sandbox() {
        return of(new Options("gantry-e2e", "gte2e0", "10.213.50.0/24", null, false, GantryDaemon::create));
    }

    /** The same, dual-stack: fd00:213:50::/64 as well. */
    public static TestNode sandboxDualStack() {
        return of(new Options("gantry-e2e", "gte2e0", "10.213.50.0/24", "fd00:213:50::/64", false, GantryDaemon::create));
    }

    /**
     * A container (or streaming) test's node: a bridge and /24 named after this JVM's pid
     * (gtc&lt;pid&gt;, 10.214.&lt;pid % 250&gt;.0/24), and the test images pulled at start.
     */
    public static TestNode containers() {
        return of(new Options(PID_NETWORK_PREFIX + PID, PID_BRIDGE_PREFIX + PID, "10.214." + PID % 250 + ".0/24", null, true,
                GantryDaemon::create));
    }

    /** This node, with its daemon made by {@code daemons} (another launcher, another environment). */
    public TestNode withDaemon(Supplier<GantryDaemon> daemons) {
        Options o = options;
        return of(new Options(o.network(), o.bridge(), o.v4Subnet(), o.v6Subnet(), o.testImages(), daemons));
    }

    /** One test's state: what it made, and what cleanup must find again. */
    private static final class Run {
        final CniTestNetwork network;
        final Path logRoot;
        final @Nullable TestImages images;
        final Set<Long> infraBefore;
        GantryDaemon first;
        GantryDaemon daemon;
        @Nullable CriClient client;
        final Set<String> podIds = new LinkedHashSet<>();
        final Set<String> cgroupParents = new LinkedHashSet<>();
        final List<Path> tempDirs = new ArrayList<>();

        Run(CniTestNetwork network, GantryDaemon first, Path logRoot, @Nullable TestImages images, Set<Long> infraBefore) {
            this.network = network;
            this.first = first;
            this.daemon = first;
            this.logRoot = logRoot;
            this.images = images;
            this.infraBefore = infraBefore;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException, InterruptedException {
        NodeCleanup.sweepKilledRuns();
        sweepNetworksOfKilledRuns();
        HostCommands.quietly("ip", "link", "del", options.bridge()); // an earlier test that could not clean up
        TestImages images = options.testImages() ? TestImages.of(context) : null;
        CniTestNetwork network = options.v6Subnet() == null
                ? CniTestNetwork.ipv4(options.network(), options.bridge(), options.v4Subnet())
                : CniTestNetwork.dualStack(options.network(), options.bridge(), options.v4Subnet(), options.v6Subnet());
        GantryDaemon first = null;
        try {
            first = options.daemons().get();
            network.configure(first.configFile());
            Path logRoot = Files.createTempDirectory(NodeCleanup.RUN_DIR_PREFIX + PID + "-logs-");
            run = new Run(network, first, logRoot, images, Set.copyOf(ourInfraProcesses()));
        } catch (IOException | RuntimeException e) {
            network.close();
            if (first != null) {
                first.close();
            }
            throw e;
        }
    }

    /** Bridges and iptables rules of killed runs' networks: named after their JVM's pid, which no longer runs. */
    private static void sweepNetworksOfKilledRuns() {
        for (String line : HostCommands.lines("ip", "-o", "link", "show", "type", "bridge")) {
            String[] fields = line.split(":\\s+", 3);
            if (fields.length > 1 && NodeCleanup.runOfDeadProcess(fields[1], PID_BRIDGES)) {
                HostCommands.quietly("ip", "link", "del", fields[1]);
            }
        }
        Set<String> deadNetworks = new LinkedHashSet<>();
        for (String tool : List.of("iptables-save", "ip6tables-save")) {
            HostCommands.Outcome rules = HostCommands.exec(Map.of(), null, tool);
            Matcher named = PID_NETWORK_IN_RULE.matcher(rules.ok() ? rules.stdout() : "");
            while (named.find()) {
                if (!ProcessHandle.of(Long.parseLong(named.group(2))).map(ProcessHandle::isAlive).orElse(false)) {
                    deadNetworks.add(named.group(1));
                }
            }
        }
        deadNetworks.forEach(CniTestNetwork::dropIptablesRulesOf);
    }

    private Run run() {
        return Objects.requireNonNull(run, "no test is running on this node (beforeEach has not run)");
    }

    /** Installs the bridge conflist, starts the daemon and pulls the test images if this node has them. */
    public CriClient start() {
        Run r = run();
        r.network.install();
        CriClient client = startAsIs();
        if (r.images != null) {
            for (String ref : r.images.refs()) {
                client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());
            }
        }
        return client;
    }

    /** Starts the daemon with the conf dir as the test left it. */
    public CriClient startAsIs() {
        Run r = run();
        r.daemon.startAndAwaitReady();
        r.client = r.daemon.client();
        return r.client;
    }

    /** kill -9 the daemon and wait until it is gone; what it ran (pods, conmon, containers, plugins) stays. */
    public void kill() {
        GantryDaemon daemon = run().daemon;
        ProcessHandle.of(daemon.pid()).ifPresent(ProcessHandle::destroyForcibly);
        daemon.awaitExit(Duration.ofSeconds(30));
    }

    /** kill -9 the daemon, then a new one on the same root, state and config; pods stay where they are. */
    public CriClient killAndRestart() {
        kill();
        return restartStopped();
    }

    /**
     * Arms gantryd failpoints (comma-separated names, see common.lifecycle.Failpoints) in the daemon
     * this test starts first: reaching one, it dies as kill -9 would. Restarted daemons run without.
     */
    public void armFailpoints(String names) {
        Run r = run();
        if (r.daemon != r.first || r.daemon.isAlive()) {
            throw new IllegalStateException("arm failpoints before the first start");
        }
        r.first = r.first.withEnv(FAILPOINTS, names);
        r.daemon = r.first;
    }

    /** A new daemon on the same root, state and config, after the current one has exited; no failpoints armed. */
    public CriClient restartStopped() {
        Run r = run();
        if (r.client != null) {
            r.client.close();
        }
        GantryDaemon previous = r.daemon;
        r.daemon = r.daemon.sibling(r.daemon.state()).withEnv(FAILPOINTS, "");
        if (previous != r.first) {
            previous.stop();
        }
        return startAsIs();
    }

    /** What a reboot does to the state dir (a tmpfs): every mount under it gone, then every file. The daemon must be stopped. */
    public void wipeState() throws IOException {
        GantryDaemon daemon = run().daemon;
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

    /** A pod config of this test: named, logging under the test's log root, with its own cgroup parent (remembered for cleanup). */
    public PodSandboxConfig.Builder pod(String name) {
        PodSandboxConfig.Builder config = PodConfigs.named(name, run().logRoot);
        run().cgroupParents.add(config.getLinux().getCgroupParent());
        return config;
    }

    /** Runs a pod and remembers it for cleanup. */
    public String runPod(PodSandboxConfig config) {
        return runPod(config, "");
    }

    /** As {@link #runPod(PodSandboxConfig)}, on the runtime handler {@code handler} ("" for the default). */
    public String runPod(PodSandboxConfig config, String handler) {
        Run r = run();
        r.cgroupParents.add(config.getLinux().getCgroupParent());
        String id = client().runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).setRuntimeHandler(handler).build())
                .getPodSandboxId();
        r.podIds.add(id);
        return id;
    }

    /** A host directory the test may bind-mount; deleted after the test. */
    public Path tempDir() throws IOException {
        Path dir = Files.createTempDirectory(NodeCleanup.RUN_DIR_PREFIX + PID + "-host-");
        run().tempDirs.add(dir);
        return dir;
    }

    /** The images of a container test's node. */
    public TestImages images() {
        TestImages images = run().images;
        if (images == null) {
            throw new IllegalStateException("this node pulls no test images; TestNode.containers() does");
        }
        return images;
    }

    /** e2e/busybox, the image most container tests run. */
    public String image() {
        return images().busyboxRef();
    }

    public CniTestNetwork network() {
        return run().network;
    }

    /** The current daemon: the first, or the last restarted. */
    public GantryDaemon daemon() {
        return run().daemon;
    }

    /** The current daemon's client, once started. */
    public CriClient client() {
        return Objects.requireNonNull(run().client, "start the daemon first");
    }

    public Path logRoot() {
        return run().logRoot;
    }

    /** The daemon's output so far, for assertion messages. */
    public String output() {
        return run().daemon.output();
    }

    /** Mount points under the daemon's state dir, for before/after comparisons. */
    public List<String> mountsUnderState() throws IOException {
        String prefix = run().daemon.state() + "/";
        return NodeCleanup.mountPoints().stream().filter(p -> p.startsWith(prefix)).sorted().toList();
    }

    /**
     * catatonit processes started since this test began by a daemon of this test run: the daemon
     * inherits this JVM's working directory, and so do its infra processes, orphaned or not.
     */
    public List<Long> newInfraProcesses() {
        Set<Long> before = run().infraBefore;
        return ourInfraProcesses().stream().filter(pid -> !before.contains(pid)).toList();
    }

    private static List<Long> ourInfraProcesses() {
        Path cwd = Path.of("").toAbsolutePath();
        return ProcessHandle.allProcesses()
                .filter(p -> HostCommands.cmdline(p.pid()).contains("catatonit"))
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

    @Override
    public void afterEach(ExtensionContext context) {
        Run r = run;
        if (r == null) {
            return; // beforeEach failed and closed what it had made
        }
        run = null;
        NodeCleanup cleanup = NodeCleanup.after(context, r.first, r.daemon);
        cleanup.step(() -> {
            if (r.client != null && r.daemon.isAlive()) {
                NodeCleanup.removeContainersAndPods(r.client, r.podIds);
            }
        });
        cleanup.step(() -> {
            if (r.client != null) {
                r.client.close();
            }
        });
        cleanup.step(() -> NodeCleanup.stop(r.first, r.daemon));
        cleanup.step(() -> killLeftProcesses(r));
        cleanup.step(() -> NodeCleanup.unmountUnder(r.first.dir(), r.podIds));
        cleanup.step(() -> NodeCleanup.removeCgroups(r.cgroupParents));
        cleanup.step(r.network::close);
        cleanup.step(r.first::close);
        cleanup.step(() -> NodeCleanup.deleteTree(r.logRoot));
        for (Path dir : r.tempDirs) {
            cleanup.step(() -> NodeCleanup.deleteTree(dir));
        }
        cleanup.finish();
    }

    /**
     * conmon, runc and anything else naming the daemon's directory on its command line, every process
     * in the cgroups of this test's pods (containers, infra), and infra processes its daemons started,
     * killed and awaited.
     */
    private static void killLeftProcesses(Run r) throws IOException, InterruptedException {
        Set<Long> pids = new LinkedHashSet<>(NodeCleanup.processesNaming(r.first.dir()));
        pids.addAll(NodeCleanup.cgroupProcesses(r.cgroupParents));
        ourInfraProcesses().stream().filter(pid -> !r.infraBefore.contains(pid)).forEach(pids::add);
        NodeCleanup.killAndAwait(pids, Duration.ofSeconds(10));
        if (!pids.isEmpty()) {
            System.err.println("cleanup: killed processes the daemon left: " + pids);
        }
    }
}
