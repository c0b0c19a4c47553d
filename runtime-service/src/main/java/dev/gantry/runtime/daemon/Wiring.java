package dev.gantry.runtime.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cni.CniNetworks;
import dev.gantry.cni.NetworkStatus;
import dev.gantry.cni.exec.PluginExecutor;
import dev.gantry.cni.exec.ProcessBuilderLauncher;
import dev.gantry.common.fs.Directories;
import dev.gantry.linux.cgroup.CgroupDriver;
import dev.gantry.linux.cgroup.Cgroups;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.PinnedNamespaces;
import dev.gantry.runtime.rpc.ListPodSandboxRpc;
import dev.gantry.runtime.rpc.PodSandboxStatusRpc;
import dev.gantry.runtime.rpc.RemovePodSandboxRpc;
import dev.gantry.runtime.rpc.RunPodSandboxRpc;
import dev.gantry.runtime.rpc.StopPodSandboxRpc;
import dev.gantry.sandbox.SandboxManager;
import dev.gantry.sandbox.SandboxRecovery;
import dev.gantry.sandbox.SandboxStore;
import dev.gantry.sandbox.SandboxSystem;
import dev.gantry.sandbox.infra.InfraProcess;
import dev.gantry.sandbox.net.PodNetworking;
import dev.gantry.sandbox.ns.PodSysctls;
import dev.gantry.image.ImageManager;
import dev.gantry.image.content.ContentStore;
import dev.gantry.image.gc.Leases;
import dev.gantry.image.oci.Platform;
import dev.gantry.image.pull.ImagePuller;
import dev.gantry.image.registry.RegistryClient;
import dev.gantry.image.registry.RegistryHosts;
import dev.gantry.image.registry.RetryPolicy;
import dev.gantry.image.rpc.ImageFsInfoRpc;
import dev.gantry.image.rpc.ImageServiceEndpoint;
import dev.gantry.image.rpc.ImageStatusRpc;
import dev.gantry.image.rpc.ListImagesRpc;
import dev.gantry.image.rpc.PullImageRpc;
import dev.gantry.image.rpc.RemoveImageRpc;
import dev.gantry.image.snapshot.SnapshotStore;
import dev.gantry.image.store.ImageStore;
import dev.gantry.image.unpack.LayerApplier;
import dev.gantry.runtime.rpc.RuntimeConfigRpc;
import dev.gantry.runtime.rpc.RuntimeServiceEndpoint;
import dev.gantry.runtime.rpc.StatusRpc;
import dev.gantry.runtime.rpc.VersionRpc;
import dev.gantry.runtime.status.RuntimeHealth;
import io.grpc.BindableService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the object graph with plain constructors: the one place that knows who gets what. */
final class Wiring {

    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    private Wiring() {}

    static List<BindableService> services(LoadedConfig loaded) throws IOException {
        GantryConfig config = loaded.config();
        Clock clock = Clock.systemUTC();
        CniNetworks networks = networks(config);
        var health = new RuntimeHealth(() -> {
            NetworkStatus status = networks.status();
            return new RuntimeHealth.Condition(RuntimeHealth.NETWORK_READY, status.ready(), status.reason(), status.message());
        });
        SandboxManager sandboxes = sandboxes(config, networks, clock);
        var runtime = new RuntimeServiceEndpoint(
                new VersionRpc(BuildInfo.version()),
                new StatusRpc(health, loaded.effectiveJson(), List.copyOf(config.runtimes().paths().keySet())),
                new RuntimeConfigRpc(config.cgroupDriver()),
                new RuntimeServiceEndpoint.SandboxRpcs(
                        new RunPodSandboxRpc(sandboxes, config.runtimes()::resolve),
                        new StopPodSandboxRpc(sandboxes),
                        new RemovePodSandboxRpc(sandboxes),
                        new PodSandboxStatusRpc(sandboxes, clock),
                        new ListPodSandboxRpc(sandboxes)));

        ImageManager images = images(config);
        Path containers = config.root().resolve("containers");
        Directories.create(containers, "rwx------");
        var imageService = new ImageServiceEndpoint(
                new PullImageRpc(images),
                new ImageStatusRpc(images),
                new ListImagesRpc(images),
                new RemoveImageRpc(images),
                new ImageFsInfoRpc(images, new ContainerDiskUsage(containers, clock, Duration.ofSeconds(10)), clock));
        return List.of(runtime, imageService);
    }

    private static CniNetworks networks(GantryConfig config) {
        ObjectMapper mapper = new ObjectMapper();
        var executor = new PluginExecutor(config.cni().binDirs(), new ProcessBuilderLauncher(), config.cni().pluginTimeout(), mapper);
        var networks = new CniNetworks(config.cni().confDir(), executor, config.root().resolve("cni").resolve("results"), mapper);
        networks.start();
        return networks;
    }

    private static SandboxManager sandboxes(GantryConfig config, CniNetworks networks, Clock clock) throws IOException {
        var runner = new NamespaceRunner();
        Cgroups cgroups = config.cgroupDriver() == CgroupDriver.CGROUPFS ? Cgroups.detect() : null;
        var system = new SandboxSystem(
                new PinnedNamespaces(config.state().resolve("ns")),
                config.state().resolve("shm"),
                config.sandbox().shmSize(),
                cgroups,
                new InfraProcess(config.sandbox().infraCommand(), runner),
                new PodSysctls(runner),
                new PodNetworking(networks, runner),
                runner,
                Wiring::nodeHostname);
        var store = new SandboxStore(config.root());
        ExecutorService cniThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cni-", 0).factory());
        var manager = new SandboxManager(store, system, cniThreads, clock);
        SandboxRecovery.Report report = manager.recover();
        log.info("pod sandboxes: {} ready, {} not ready, {} interrupted creations undone, {} leftovers removed",
                report.ready(), report.notReady(), report.undone(), report.orphansRemoved());
        return manager;
    }

    /** The node's hostname as the kernel has it (one line; readString would see only its first byte on /proc/sys). */
    private static String nodeHostname() {
        try {
            return java.nio.file.Files.readAllLines(Path.of("/proc/sys/kernel/hostname")).get(0).strip();
        } catch (IOException | IndexOutOfBoundsException e) {
            throw new dev.gantry.common.errors.GantryException(dev.gantry.common.errors.ErrorKind.INTERNAL,
                    "read the node's hostname: " + e.getMessage(), e);
        }
    }

    private static ImageManager images(GantryConfig config) throws IOException {
        Path root = config.root();
        var images = new ImageStore(root.resolve("images"));
        var content = new ContentStore(root.resolve("content"));
        var snapshots = new SnapshotStore(root.resolve("snapshots"));
        var leases = new Leases();
        var registry = new RegistryClient(RegistryHosts.of(config.registry().hosts()), new RetryPolicy(config.registry().attempts(), RetryPolicy.defaults().baseBackoff(), RetryPolicy.defaults().maxBackoff(), RetryPolicy.defaults().sleeper()));
        ExecutorService layerThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("layer-", 0).factory());
        var puller = new ImagePuller(registry, content, snapshots, leases, new LayerApplier(), Platform.current(),
                layerThreads, config.images().maxConcurrentDownloads());
        var manager = new ImageManager(images, content, snapshots, puller, leases, config.images().pinned(),
                new HeapTrimmer(Duration.ofSeconds(2)));
        int collected = manager.recover();
        if (collected > 0) {
            log.info("removed {} blobs and snapshots that no image uses (left by an interrupted pull or removal)", collected);
        }
        return manager;
    }
}
