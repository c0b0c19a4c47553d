package dev.gantry.sandbox;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cni.Attachment;
import dev.gantry.cni.CniNetwork;
import dev.gantry.cni.CniNetworks;
import dev.gantry.cni.exec.CniCommand;
import dev.gantry.cni.exec.CniPluginException;
import dev.gantry.cni.result.CniResult;
import dev.gantry.linux.cgroup.Cgroups;
import dev.gantry.linux.mount.FakeMounter;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.linux.ns.PinnedNamespaces;
import dev.gantry.sandbox.errors.PodSetupFailedException;
import dev.gantry.sandbox.files.DnsConfig;
import dev.gantry.sandbox.infra.InfraProcess;
import dev.gantry.sandbox.net.PodNetworking;
import dev.gantry.sandbox.ns.PodSysctls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.mockito.invocation.InvocationOnMock;

/**
 * The node under a {@link SandboxManager}, without root: namespace pins are files that the fake
 * mounter counts as mounted, processes live in a {@link FakeProcesses} table, and the CNI network,
 * cgroups and sysctls are mocks that keep what was attached and made. Any step of RunPodSandbox can
 * be made to fail ({@link #failAt}); {@link #leftovers} lists whatever is still on the node.
 */
final class FakeNode {

    /** The steps of RunPodSandbox that touch the node, in the order the builder runs them. */
    enum Step { PIN, CNI_ADD, LOOPBACK, SHM, SYSCTLS, CGROUP, INFRA }

    static final String NETWORK = "fake";
    static final String NODE_HOSTNAME = "node-1";
    private static final String ADD_RESULT = """
            {"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}],"ips":[{"address":"fd00:213::9/64","interface":0},\
            {"address":"10.213.7.9/24","interface":0}]}""";

    final Path root;
    final Path shmBase;
    final FakeMounter mounts = new FakeMounter();
    final FakeProcesses processes = new FakeProcesses();
    final PinnedNamespaces namespaces;
    final SandboxSystem system;
    /** CNI ADD and DEL as the plugin saw them: "ADD <pod id>". */
    final List<String> cniCalls = new CopyOnWriteArrayList<>();
    /** Pod id → netns of the attachments CNI holds (an ADD not yet DELeted, a failed one included). */
    final Map<String, Path> attachments = new ConcurrentHashMap<>();
    /** Cgroups made and not removed. */
    final Set<String> cgroups = ConcurrentHashMap.newKeySet();

    private final Set<Step> failing = ConcurrentHashMap.newKeySet();
    private volatile boolean delFails;
    private volatile CountDownLatch addGate = new CountDownLatch(0);
    private final CniResult addResult;

    FakeNode(Path tmp) throws Exception {
        root = tmp.resolve("root");
        shmBase = tmp.resolve("state/shm");
        addResult = CniResult.parse(new ObjectMapper(), ADD_RESULT.getBytes(StandardCharsets.UTF_8), "fake ADD");
        namespaces = spy(new PinnedNamespaces(tmp.resolve("state/ns")));
        doAnswer(this::pin).when(namespaces).create(anyString(), any(), anyString());
        doAnswer(this::unpin).when(namespaces).remove(anyString());
        NamespaceRunner runner = mock(NamespaceRunner.class);
        when(runner.spawnIn(any(), anyBoolean(), any(), any())).thenAnswer(this::spawn);
        // Only PodNetworking's "lo" up runs in a namespace here (sysctls are a mock): never the work itself.
        when(runner.runIn(any(), any(), any())).thenAnswer(call -> {
            check(Step.LOOPBACK, "setns net");
            return null;
        });
        PodSysctls sysctls = mock(PodSysctls.class);
        doAnswer(call -> {
            if (failing.contains(Step.SYSCTLS)) {
                throw new PodSetupFailedException("set sysctls: injected failure");
            }
            return null;
        }).when(sysctls).apply(any(), any(), any());
        system = new SandboxSystem(namespaces, shmBase, 1 << 20, cgroups(), new InfraProcess(Path.of("/usr/bin/catatonit"), runner, processes),
                sysctls, new PodNetworking(cni(), runner), runner, () -> NODE_HOSTNAME, mounts, processes);
    }

    /** A manager on this node's records, as gantryd builds one at start; call {@code recover()} before use. */
    SandboxManager manager() {
        return manager(new DirectExecutor());
    }

    /** The same, with the builder's "own thread" work (record, CNI ADD) run by {@code cniThreads}. */
    SandboxManager manager(ExecutorService cniThreads) {
        return new SandboxManager(new SandboxStore(root), system, cniThreads,
                Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    /** The records on disk, as the next gantryd would read them. */
    List<PodSandbox> records() {
        SandboxStore store = new SandboxStore(root);
        store.load();
        return store.list();
    }

    /** Changes a record on disk behind the manager's back, as a crash between two writes would leave it. */
    void rewrite(String id, UnaryOperator<PodSandbox> change) {
        SandboxStore store = new SandboxStore(root);
        store.load();
        store.update(id, change);
    }

    void failAt(Step step) {
        failing.add(step);
        if (step == Step.SHM) {
            mounts.failOn(p -> p.startsWith(shmBase));
        }
    }

    void failCniDel(boolean fails) {
        delFails = fails;
    }

    /** Makes every CNI ADD wait until the returned latch is counted down. */
    CountDownLatch holdCniAdd() {
        addGate = new CountDownLatch(1);
        return addGate;
    }

    void heal() {
        failing.clear();
        mounts.failOn(p -> false);
        delFails = false;
    }

    /** What the node still holds: pins, mounts, running processes, CNI attachments, cgroups, pod and /dev/shm dirs. */
    List<String> leftovers() throws IOException {
        List<String> found = new ArrayList<>();
        namespaces.pinned().forEach(id -> found.add("namespace pins of " + id));
        mounts.mounted().forEach(p -> found.add("mount " + p));
        processes.running().forEach(pid -> found.add("process " + pid));
        attachments.keySet().forEach(id -> found.add("CNI attachment of " + id));
        cgroups.forEach(path -> found.add("cgroup " + path));
        for (Path dir : List.of(root.resolve("pods"), shmBase)) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> entries = Files.list(dir)) {
                    entries.forEach(p -> found.add("directory " + p));
                }
            }
        }
        return found;
    }

    /** A pod of its own: network, IPC, UTS and PID namespaces, a kubelet cgroup, a net sysctl. */
    static SandboxRequest podRequest(String name) {
        return new SandboxRequest(new SandboxMetadata(name, "default", "uid-" + name, 0), name, "/var/log/pods/" + name,
                new DnsConfig(List.of("10.96.0.10"), List.of("svc.cluster.local"), List.of("ndots:5")), List.of(),
                Map.of("app", name), Map.of(), "runc", "/kubepods/pod-" + name,
                new NamespaceOptions(NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD), Map.of("net.core.somaxconn", "1024"));
    }

    /** A pod on the node's network, with its own IPC namespace and no shared PID namespace. */
    static SandboxRequest hostNetworkRequest(String name) {
        return new SandboxRequest(new SandboxMetadata(name, "kube-system", "uid-" + name, 0), "", "", DnsConfig.NONE, List.of(),
                Map.of(), Map.of(), "runc", "", new NamespaceOptions(NamespaceMode.NODE, NamespaceMode.CONTAINER, NamespaceMode.POD),
                Map.of());
    }

    private Map<NamespaceType, Path> pin(InvocationOnMock call) throws IOException {
        String id = call.getArgument(0);
        Set<NamespaceType> types = call.getArgument(1);
        check(Step.PIN, "unshare " + types);
        Map<NamespaceType, Path> pins = new EnumMap<>(NamespaceType.class);
        for (NamespaceType type : types) {
            Path pin = namespaces.pinPath(id, type);
            Files.createDirectories(pin.getParent());
            Files.deleteIfExists(pin);
            Files.createFile(pin);
            mounts.mount("nsfs", pin, "bind", "");
            pins.put(type, pin);
        }
        return Map.copyOf(pins);
    }

    private Object unpin(InvocationOnMock call) throws IOException {
        String id = call.getArgument(0);
        for (NamespaceType type : NamespaceType.values()) {
            Path pin = namespaces.pinPath(id, type);
            mounts.unmount(pin);
            Files.deleteIfExists(pin);
        }
        return null;
    }

    private long spawn(InvocationOnMock call) throws IOException {
        Map<NamespaceType, Path> join = call.getArgument(0);
        check(Step.INFRA, "posix_spawn catatonit");
        return processes.start(new HashSet<>(join.values()));
    }

    private CniNetworks cni() {
        CniNetwork network = mock(CniNetwork.class);
        when(network.name()).thenReturn(NETWORK);
        when(network.add(any())).thenAnswer(this::add);
        CniNetworks networks = mock(CniNetworks.class);
        when(networks.require()).thenReturn(network);
        when(networks.current()).thenReturn(Optional.of(network));
        doAnswer(this::del).when(networks).detach(anyString(), any());
        return networks;
    }

    private CniResult add(InvocationOnMock call) throws InterruptedException {
        Attachment attachment = call.getArgument(0);
        if (!addGate.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("CNI ADD held for 30 s");
        }
        cniCalls.add("ADD " + attachment.containerId());
        // A chain that fails half-way may have made part of the attachment: only a DEL clears it.
        attachments.put(attachment.containerId(), attachment.netns());
        if (failing.contains(Step.CNI_ADD)) {
            throw new CniPluginException("fakenet", CniCommand.ADD, 11, "injected failure", null, null);
        }
        return addResult;
    }

    private Object del(InvocationOnMock call) {
        Attachment attachment = call.getArgument(1);
        cniCalls.add("DEL " + attachment.containerId());
        if (delFails) {
            throw new CniPluginException("fakenet", CniCommand.DEL, 11, "injected failure", null, null);
        }
        attachments.remove(attachment.containerId());
        return null;
    }

    private Cgroups cgroups() throws IOException {
        Cgroups mock = mock(Cgroups.class);
        when(mock.create(anyString())).thenAnswer(call -> {
            check(Step.CGROUP, "mkdir cgroup");
            return cgroups.add(call.<String>getArgument(0));
        });
        doAnswer(call -> {
            cgroups.remove(call.<String>getArgument(0));
            return null;
        }).when(mock).remove(anyString());
        when(mock.removeUnlessShared(anyString())).thenAnswer(call -> {
            String path = call.<String>getArgument(0);
            if (cgroups.stream().anyMatch(other -> other.startsWith(path + "/"))) {
                return false;
            }
            cgroups.remove(path);
            return true;
        });
        when(mock.exists(anyString())).thenAnswer(call -> cgroups.contains(call.<String>getArgument(0)));
        return mock;
    }

    private void check(Step step, String call) throws IOException {
        if (failing.contains(step)) {
            throw new IOException(call + ": injected failure");
        }
    }

    /** Runs the builder's "own thread" work on the caller's thread, so each run is one sequence. */
    private static final class DirectExecutor extends AbstractExecutorService {

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
