package dev.gantry.e2e.containers;

import dev.gantry.cri.v1.Container;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.ListPodSandboxRequest;
import dev.gantry.cri.v1.PodSandbox;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PullImageRequest;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One container test's node (public for the streaming tests, which share it): a CNI network of its own (a bridge and /24 named after this JVM's pid,
 * so two test runs on one machine do not share them), a
 * gantryd configured for it, a log root, and the {@link TestImages} pulled once the daemon runs.
 * After each test, pass or fail: every container is stopped (timeout 0) and removed, every pod
 * stopped and removed, the daemon stopped (its output printed when the test failed), and whatever a
 * broken daemon left is swept: conmon and container processes, mounts under its dirs, the test's
 * cgroups, the bridge, temp dirs.
 *
 * <pre>{@code
 * @RegisterExtension final ContainerEnvironment node = new ContainerEnvironment();
 * ContainerCalls calls = node.start();
 * PodSandboxConfig pod = node.pod("web").build();
 * String podId = node.runPod(pod);
 * }</pre>
 */
public final class ContainerEnvironment implements BeforeEachCallback, AfterEachCallback {

    private static final long PID = ProcessHandle.current().pid();
    static final String BRIDGE = "gtc" + PID;
    private static final Pattern OUR_BRIDGES = Pattern.compile("gtc(\\d+)");
    static final String NETWORK = "gantry-e2e-ctr-" + PID;
    static final String V4_SUBNET = "10.214." + PID % 250 + ".0/24";

    private CniTestNetwork network;
    private GantryDaemon first;
    private GantryDaemon daemon;
    private CriClient client;
    private Path logRoot;
    private TestImages images;
    private final Set<String> podIds = new LinkedHashSet<>();
    private final Set<String> cgroupParents = new LinkedHashSet<>();
    private final List<Path> tempDirs = new ArrayList<>();
    private Set<Long> catatonitBefore = Set.of();
    private final Supplier<GantryDaemon> daemons;

    /** A node whose daemon runs through the build's launcher ({@code bin/gantryd}). */
    public ContainerEnvironment() {
        this(GantryDaemon::create);
    }

    /** A node whose daemon the supplier makes (another launcher, another environment). */
    public ContainerEnvironment(Supplier<GantryDaemon> daemons) {
        this.daemons = daemons;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        images = TestImages.of(context);
        sweepKilledRuns();
        HostCommands.quietly("ip", "link", "del", BRIDGE); // an earlier test of this run that could not clean up
        network = CniTestNetwork.ipv4(NETWORK, BRIDGE, V4_SUBNET);
        first = daemons.get();
        daemon = first;
        network.configure(daemon.configFile());
        logRoot = Files.createTempDirectory("gantry-e2e-ctr-logs-");
        catatonitBefore = Set.copyOf(ourCatatonits());
    }

    /** What runs killed before their cleanup left: their daemons' mounts and dirs, and their bridges (named by pid). */
    private static void sweepKilledRuns() throws IOException {
        NodeCleanup.sweepKilledRuns();
        for (String line : HostCommands.lines("ip", "-o", "link", "show", "type", "bridge")) {
            String[] fields = line.split(":\\s+", 3);
            if (fields.length > 1 && NodeCleanup.runOfDeadProcess(fields[1], OUR_BRIDGES)) {
                HostCommands.quietly("ip", "link", "del", fields[1]);
            }
        }
    }

    /** Infra processes (catatonit) of daemons of this test run: they inherit this JVM's working directory. */
    private static List<Long> ourCatatonits() {
        Path cwd = Path.of("").toAbsolutePath();
        return ProcessHandle.allProcesses()
                .filter(p -> cmdline(p.pid()).contains("catatonit"))
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

    /** Installs the bridge conflist, starts the daemon and pulls the test images. */
    public ContainerCalls start() {
        network.install();
        daemon.startAndAwaitReady();
        client = daemon.client();
        for (String ref : List.of(images.busyboxRef(), images.busyboxAppRef(), images.busyboxUsr1Ref())) {
            client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());
        }
        return calls();
    }

    public ContainerCalls calls() {
        return new ContainerCalls(client);
    }

    /** kill -9 the daemon and wait until it is gone; conmon and the containers stay. */
    void kill() {
        ProcessHandle.of(daemon.pid()).ifPresent(ProcessHandle::destroyForcibly);
        daemon.awaitExit(Duration.ofSeconds(30));
    }

    /** A new daemon on the same root, state and config, after the current one has exited. */
    ContainerCalls restartStopped() {
        client.close();
        GantryDaemon previous = daemon;
        daemon = daemon.sibling(daemon.state());
        if (previous != first) {
            previous.stop();
        }
        daemon.startAndAwaitReady();
        client = daemon.client();
        return calls();
    }

    /** A pod config of this test, logging under the test's log root, with its own cgroup parent. */
    public PodSandboxConfig.Builder pod(String name) {
        return PodConfigs.named(name, logRoot);
    }

    /** Runs a pod and remembers it for cleanup. */
    public String runPod(PodSandboxConfig config) {
        cgroupParents.add(config.getLinux().getCgroupParent());
        String id = calls().runPod(config);
        podIds.add(id);
        return id;
    }

    /** A host directory the test may bind-mount; deleted after the test. */
    public Path tempDir() throws IOException {
        Path dir = Files.createTempDirectory("gantry-e2e-ctr-host-");
        tempDirs.add(dir);
        return dir;
    }

    public String image() {
        return images.busyboxRef();
    }

    String appImage() {
        return images.busyboxAppRef();
    }

    /** busybox whose image config says StopSignal SIGUSR1. */
    String usr1Image() {
        return images.busyboxUsr1Ref();
    }

    TestImages images() {
        return images;
    }

    public CniTestNetwork network() {
        return network;
    }

    public GantryDaemon daemon() {
        return daemon;
    }

    public CriClient client() {
        return client;
    }

    Path logRoot() {
        return logRoot;
    }

    public String output() {
        return daemon.output();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        NodeCleanup cleanup = NodeCleanup.after(context, first, daemon);
        cleanup.step(this::removeContainersAndPods);
        cleanup.step(() -> {
            if (client != null) {
                client.close();
            }
        });
        cleanup.step(() -> NodeCleanup.stop(first, daemon));
        cleanup.step(this::killLeftProcesses);
        cleanup.step(() -> NodeCleanup.unmountUnder(first.dir(), podIds));
        cleanup.step(this::removeCgroups);
        cleanup.step(network::close);
        cleanup.step(first::close);
        cleanup.step(() -> NodeCleanup.deleteTree(logRoot));
        for (Path dir : tempDirs) {
            cleanup.step(() -> NodeCleanup.deleteTree(dir));
        }
        cleanup.finish();
    }

    private void removeContainersAndPods() {
        if (client == null || !daemon.isAlive()) {
            return;
        }
        ContainerCalls calls = calls();
        try {
            for (Container container : calls.list()) {
                try {
                    calls.stop(container.getId(), 0);
                    calls.remove(container.getId());
                } catch (RuntimeException e) {
                    System.err.println("cleanup: remove container " + container.getId() + ": " + e.getMessage());
                }
            }
        } catch (RuntimeException e) {
            // ListContainers may not exist or may fail; removing the pods removes their containers
        }
        Set<String> ids = new LinkedHashSet<>(podIds);
        try {
            client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList().stream()
                    .map(PodSandbox::getId).forEach(ids::add);
        } catch (RuntimeException e) {
            // remove what we know of
        }
        for (String id : ids) {
            try {
                calls.stopPod(id);
                calls.removePod(id);
            } catch (RuntimeException e) {
                System.err.println("cleanup: remove pod " + id + ": " + e.getMessage());
            }
        }
    }

    /**
     * conmon, runc and anything else naming the daemon's directory on its command line, every
     * process in the cgroups of this test's pods (container processes, infra), killed and awaited.
     */
    private void killLeftProcesses() throws IOException {
        String dir = first.dir().toString();
        Set<Long> pids = new LinkedHashSet<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .filter(p -> cmdline(p.pid()).contains(dir))
                .forEach(p -> pids.add(p.pid()));
        pids.addAll(cgroupProcesses());
        ourCatatonits().stream().filter(pid -> !catatonitBefore.contains(pid)).forEach(pids::add);
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Instant giveUp = Instant.now().plusSeconds(10);
        for (long pid : pids) {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && Instant.now().isBefore(giveUp)) {
                Waits.pause();
            }
        }
        if (!pids.isEmpty()) {
            System.err.println("cleanup: killed processes the daemon left: " + pids);
        }
    }

    static String cmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** Every pid in the cgroup of one of this test's pods or below it, in every hierarchy. */
    private Set<Long> cgroupProcesses() throws IOException {
        Set<Long> pids = new LinkedHashSet<>();
        for (Path root : cgroupRoots()) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path procs : files.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                    try {
                        Files.readAllLines(procs).stream().filter(l -> !l.isBlank()).map(Long::parseLong).forEach(pids::add);
                    } catch (IOException e) {
                        // the cgroup went away meanwhile
                    }
                }
            } catch (UncheckedIOException e) {
                // a cgroup went away during the walk
            }
        }
        return pids;
    }

    /** The pod cgroups of this test's pods that exist, in every hierarchy. */
    private List<Path> cgroupRoots() throws IOException {
        List<Path> roots = new ArrayList<>();
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path hierarchy : hierarchies.toList()) {
                for (String parent : cgroupParents) {
                    Path root = hierarchy.resolve(parent.substring(1));
                    if (parent.startsWith(PodConfigs.CGROUP_ROOT + "/") && Files.isDirectory(root)) {
                        roots.add(root);
                    }
                }
            }
        }
        return roots;
    }

    private void removeCgroups() throws IOException {
        for (Path root : cgroupRoots()) {
            try (Stream<Path> dirs = Files.walk(root)) {
                // cgroup dirs are removed with rmdir, deepest first; their files are not real files
                dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(d -> d.toFile().delete());
            } catch (UncheckedIOException e) {
                System.err.println("cleanup: cgroups under " + root + ": " + e);
            }
        }
        // The shared parent of all test pods goes once empty; rmdir refuses while another test's pods are in it.
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            hierarchies.map(h -> h.resolve(PodConfigs.CGROUP_ROOT.substring(1))).filter(Files::isDirectory)
                    .forEach(root -> root.toFile().delete());
        }
    }

    /** Mount points under the daemon's state dir, for before/after comparisons. */
    public List<String> mountsUnderState() throws IOException {
        String prefix = daemon.state().toString() + "/";
        return NodeCleanup.mountPoints().stream()
                .filter(p -> p.startsWith(prefix))
                .sorted()
                .toList();
    }

}
