package dev.gantry.runtime.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.cni.CniNetworks;
import dev.gantry.cni.NetworkStatus;
import dev.gantry.cni.exec.PluginExecutor;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.fs.Directories;
import dev.gantry.linux.cgroup.CgroupDriver;
import dev.gantry.linux.cgroup.Cgroups;
import dev.gantry.linux.fs.DirectorySpreading;
import dev.gantry.linux.ns.NamespaceRunner;
import dev.gantry.linux.ns.PinnedNamespaces;
import dev.gantry.linux.proc.LinuxProcesses;
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
import dev.gantry.image.unpack.Inflaters;
import dev.gantry.image.unpack.LayerApplier;
import dev.gantry.runtime.rpc.RuntimeConfigRpc;
import dev.gantry.runtime.rpc.RuntimeServiceEndpoint;
import dev.gantry.runtime.rpc.StatusRpc;
import dev.gantry.runtime.rpc.VersionRpc;
import dev.gantry.runtime.status.HandlerFeatures;
import dev.gantry.runtime.status.RuntimeHealth;
import dev.gantry.runtime.container.ContainerEvents;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.runtime.container.DeferredDeletion;
import dev.gantry.runtime.pod.PodCoordinator;
import dev.gantry.runtime.container.ContainerPaths;
import dev.gantry.runtime.container.ContainerImages;
import dev.gantry.runtime.container.ContainerRecovery;
import dev.gantry.runtime.container.ContainerRootfs;
import dev.gantry.linux.mount.LinuxMounter;
import dev.gantry.runtime.container.ContainerStore;
import dev.gantry.runtime.container.ContainerSystem;
import dev.gantry.runtime.monitor.ConmonLauncher;
import dev.gantry.runtime.monitor.ExitWatcher;
import dev.gantry.runtime.monitor.OomCheck;
import dev.gantry.runtime.oci.HostFacts;
import dev.gantry.runtime.oci.OciSpecBuilder;
import dev.gantry.runtime.oci.RuncFeatures;
import dev.gantry.runtime.oci.RuncRuntime;
import dev.gantry.runtime.exec.ExecSync;
import dev.gantry.runtime.rpc.ContainerEventsRpc;
import dev.gantry.runtime.rpc.ExecSyncRpc;
import dev.gantry.runtime.rpc.ContainerStatusRpc;
import dev.gantry.runtime.rpc.CreateContainerRpc;
import dev.gantry.runtime.rpc.ListContainersRpc;
import dev.gantry.runtime.rpc.RemoveContainerRpc;
import dev.gantry.runtime.rpc.ReopenContainerLogRpc;
import dev.gantry.runtime.rpc.StartContainerRpc;
import dev.gantry.runtime.rpc.StopContainerRpc;
import dev.gantry.runtime.rpc.UpdateContainerResourcesRpc;
import dev.gantry.runtime.rpc.UpdatePodSandboxResourcesRpc;
import dev.gantry.runtime.attach.ContainerAttach;
import dev.gantry.runtime.rpc.AttachRpc;
import dev.gantry.runtime.rpc.ExecRpc;
import dev.gantry.runtime.rpc.PortForwardRpc;
import dev.gantry.runtime.streaming.StreamUrls;
import dev.gantry.runtime.streaming.StreamingServer;
import dev.gantry.sandbox.PodPorts;
import dev.gantry.runtime.rpc.ContainerStatsRpc;
import dev.gantry.runtime.rpc.PodSandboxMetricsRpc;
import dev.gantry.runtime.rpc.PodSandboxStatsRpc;
import dev.gantry.runtime.stats.StatsManager;
import dev.gantry.runtime.stats.WritableLayers;
import dev.gantry.linux.cgroup.CgroupStats;
import dev.gantry.image.PullListener;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerFilter;
import dev.gantry.runtime.container.ExitListener;
import dev.gantry.runtime.metrics.Metrics;
import dev.gantry.runtime.metrics.StreamingMetrics;
import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.net.NetworkListener;
import dev.gantry.sandbox.net.PluginSpawner;
import dev.gantry.sandbox.net.PodCidrs;
import dev.gantry.runtime.rpc.UpdateRuntimeConfigRpc;
import dev.gantry.runtime.container.ContainerEvent;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.runtime.node.NodeEvents;
import dev.gantry.runtime.node.NodeFacts;
import dev.gantry.runtime.node.PodRef;
import dev.gantry.sandbox.SandboxMetadata;
import io.grpc.BindableService;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Optional;
import java.util.Map;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import dev.gantry.runtime.container.HandlerTable;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the object graph with plain constructors: the one place that knows who gets what. */
final class Wiring {

    private static final Logger log = LoggerFactory.getLogger(Wiring.class);

    private Wiring() {}

    /**
     * The CRI services, what must be closed after the gRPC server stops (the streaming server), the
     * reload that SIGHUP runs, and the wait for what starts in the background (the streaming server).
     */
    record Services(List<BindableService> grpc, List<AutoCloseable> resources, ConfigReload reload, Started started) {}

    /** Waits for the parts that start in the background; throws what stopped one of them. */
    @FunctionalInterface
    interface Started {
        void await() throws IOException;
    }

    /** Where the node agent's jars are; tests and the distribution may point elsewhere. */
    static final String AGENT_DIR_PROPERTY = "gantry.agent.dir";

    /**
     * @param metrics the metrics to report to, or empty when they are off (every part gets a no-op listener)
     * @param reread  reads the configuration again as it was read at start (same file, same flags), for reloads
     */
    static Services services(LoadedConfig loaded, Optional<Metrics> metrics, Supplier<LoadedConfig> reread) throws IOException {
        GantryConfig config = loaded.config();
        Clock clock = Clock.systemUTC();
        CniNetworks networks = networks(config);
        var health = new RuntimeHealth(() -> {
            NetworkStatus status = networks.status();
            return new RuntimeHealth.Condition(RuntimeHealth.NETWORK_READY, status.ready(), status.reason(), status.message());
        });
        Cgroups cgroups = Cgroups.detect();
        var podCidrs = new PodCidrs();
        SandboxManager sandboxes = sandboxes(config, networks, cgroups, clock,
                metrics.map(Metrics::cni).orElse(NetworkListener.NONE), podCidrs);
        RegistryClient registry = registry(config);
        ImageManager images = images(config, registry, metrics.map(Metrics::pulls).orElse(PullListener.NONE));
        var events = new ContainerEvents();
        var handlers = new HandlerTable(config.runtimes().defaultHandler(), handlers(config, name -> Optional.empty()));
        ContainerManager containers = containers(config, handlers, images, events, cgroups, clock,
                metrics.map(Metrics::exits).orElse(ExitListener.NONE));
        var pods = new PodCoordinator(sandboxes, containers);
        var agents = new NodeAgents(
                Optional.ofNullable(System.getProperty(AGENT_DIR_PROPERTY)).map(Path::of).orElseGet(NodeAgents::besideGantrydJar),
                () -> nodeFacts(handlers), System::getenv, Wiring::nodeHostname);
        events.subscribe(event -> tellOomKills(event, sandboxes, agents));
        // Off by default: then this loads nothing of the agent (see NodeAgents).
        agents.apply(config.kubernetes());
        metrics.ifPresent(m -> m.countObjects(
                () -> sandboxes.list(SandboxStore.Filter.all()).stream().map(PodSandbox::state).toList(),
                () -> containers.list(ContainerFilter.all()).stream().map(Container::state).toList()));
        Path containerDirs = config.root().resolve("containers");
        StatsManager stats = stats(config, containers, sandboxes, cgroups, containerDirs, clock);
        int collected = images.recover();
        if (collected > 0) {
            log.info("removed {} blobs and snapshots that no image uses (left by an interrupted pull or removal)", collected);
        }
        var execSync = new ExecSync(containers, config.containers().execSyncMaxOutput(), clock);
        // Its Netty set-up and bind take about 50 ms, which the rest of the wiring and the CRI
        // socket's own set-up need not wait for: only Exec, Attach and PortForward use it, and the
        // CRI server awaits it (Services.started) before it binds its socket.
        var streamingBackends = new RuntimeStreamBackends(
                execSync.sessions(),
                new ContainerAttach(containers::status, ContainerPaths.of(config.root(), config.state())),
                new PodPorts(sandboxes::status, new NamespaceRunner()));
        BackgroundStart<StreamingServer> streaming = BackgroundStart.begin("streaming-start", () -> {
            var server = StreamingServer.start(config.stream(), streamingBackends,
                    metrics.map(Metrics::streaming).orElse(StreamingMetrics.NOOP));
            log.info("streaming server for exec, attach and port-forward on {}:{}", config.stream().address(), server.port());
            return server;
        });
        StreamUrls streamUrls = request -> streaming.get().urlFor(request);
        var runtime = new RuntimeServiceEndpoint(
                new VersionRpc(BuildInfo.version()),
                new StatusRpc(health, loaded.effectiveJson(), () -> handlerFeatures(handlers), podCidrs::current),
                new RuntimeConfigRpc(config.cgroupDriver()),
                new RuntimeServiceEndpoint.SandboxRpcs(
                        new RunPodSandboxRpc(sandboxes, handlers::resolve),
                        new StopPodSandboxRpc(pods),
                        new RemovePodSandboxRpc(pods),
                        new PodSandboxStatusRpc(sandboxes, clock),
                        new ListPodSandboxRpc(sandboxes)),
                new RuntimeServiceEndpoint.ContainerRpcs(
                        new CreateContainerRpc(pods),
                        new StartContainerRpc(containers),
                        new StopContainerRpc(containers),
                        new RemoveContainerRpc(containers),
                        new ContainerStatusRpc(containers),
                        new ListContainersRpc(containers),
                        new UpdateContainerResourcesRpc(containers),
                        new ReopenContainerLogRpc(containers),
                        new ContainerEventsRpc(events, containers, sandboxes),
                        new UpdatePodSandboxResourcesRpc(sandboxes),
                        new ExecSyncRpc(execSync)),
                new RuntimeServiceEndpoint.StreamRpcs(
                        new ExecRpc(containers, streamUrls),
                        new AttachRpc(containers, streamUrls),
                        new PortForwardRpc(sandboxes, streamUrls)),
                new RuntimeServiceEndpoint.StatsRpcs(
                        new ContainerStatsRpc(stats),
                        new PodSandboxStatsRpc(stats),
                        new PodSandboxMetricsRpc(stats)),
                new UpdateRuntimeConfigRpc(podCidrs));

        Directories.create(containerDirs, "rwx------");
        var imageService = new ImageServiceEndpoint(
                new PullImageRpc(images, (pod, image, message) ->
                        agents.pullFailed(new PodRef(pod.getNamespace(), pod.getName(), pod.getUid()), image, message)),
                new ImageStatusRpc(images),
                new ListImagesRpc(images),
                new RemoveImageRpc(images),
                new ImageFsInfoRpc(images, new ContainerDiskUsage(containerDirs, clock, Duration.ofSeconds(10)), clock));
        Consumer<GantryConfig> handlersChanged = c -> {
            offerHandlers(c, handlers);
            agents.refresh();
        };
        var reload = new ConfigReload(loaded, reread)
                .live("log_level", c -> LogSetup.setLevel(c.logLevel()))
                .live("registry.hosts", c -> registry.setHosts(RegistryHosts.of(c.registry().hosts())))
                .live("image.pinned", c -> images.setPinned(c.images().pinned()))
                // Both keys in one step: a new default usually names a new handler.
                .live("runtime.default_handler", handlersChanged)
                .live("runtimes", handlersChanged)
                .live("kubernetes", c -> agents.apply(c.kubernetes()));
        return new Services(List.of(runtime, imageService), List.of(streaming, agents), reload, streaming::await);
    }

    /** What the node agent labels: the handlers offered now, with the default handler's features as Status reports them. */
    private static NodeFacts nodeFacts(HandlerTable table) {
        boolean rro = handlerFeatures(table).get(0).recursiveReadOnlyMounts();
        return new NodeFacts(BuildInfo.version(), table.defaultHandler(),
                table.offered().stream().map(HandlerTable.Handler::name).toList(),
                new NodeFacts.Features(HandlerFeatures.USER_NAMESPACES, rro, HandlerFeatures.CHECKPOINT));
    }

    /** An OOM kill goes to the node agent with the pod it happened in; runs where exits are published, so it only hands off. */
    private static void tellOomKills(ContainerEvent event, SandboxManager sandboxes, NodeEvents agents) {
        Container c = event.container();
        if (event.type() != ContainerEvent.Type.STOPPED
                || !(c.state() instanceof ContainerState.Exited exited) || !"OOMKilled".equals(exited.reason())) {
            return;
        }
        try {
            SandboxMetadata pod = sandboxes.status(c.podId()).metadata();
            agents.oomKilled(new PodRef(pod.namespace(), pod.name(), pod.uid()), c.config().getMetadata().getName(), c.id());
        } catch (RuntimeException e) {
            log.debug("OOM kill of container {}: its pod {} is gone, no event: {}", c.id(), c.podId(), e.toString());
        }
    }

    /** New pods get the handlers {@code config} names; a handler already known keeps its driver and features. */
    private static void offerHandlers(GantryConfig config, HandlerTable table) {
        table.offer(config.runtimes().defaultHandler(), handlers(config, table::known));
    }

    /**
     * Stats: writable layers are walked on one background thread and reported against the
     * container filesystem ImageFsInfo names ({@code <root>/containers}).
     */
    private static StatsManager stats(GantryConfig config, ContainerManager containers, SandboxManager sandboxes, Cgroups cgroups,
                                      Path containerDirs, Clock clock) {
        var walker = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("layer-usage").factory());
        var layers = new WritableLayers(ContainerPaths.of(config.root(), config.state()), config.stats().diskUsageInterval(), walker, clock);
        return new StatsManager(containers, sandboxes, new CgroupStats(cgroups), layers, new NamespaceRunner(), clock, containerDirs);
    }

    private static CniNetworks networks(GantryConfig config) {
        ObjectMapper mapper = new ObjectMapper();
        var executor = new PluginExecutor(config.cni().binDirs(), new PluginSpawner(), config.cni().pluginTimeout(), mapper);
        var networks = new CniNetworks(config.cni().confDir(), executor, config.root().resolve("cni").resolve("results"), mapper);
        networks.start();
        return networks;
    }

    private static SandboxManager sandboxes(GantryConfig config, CniNetworks networks, Cgroups cgroups, Clock clock,
                                            NetworkListener networkListener, PodCidrs podCidrs) throws IOException {
        var runner = new NamespaceRunner();
        var processes = new LinuxProcesses();
        var system = new SandboxSystem(
                new PinnedNamespaces(config.state().resolve("ns")),
                config.state().resolve("shm"),
                config.sandbox().shmSize(),
                // Under systemd the pod cgroups are systemd's to make.
                config.cgroupDriver() == CgroupDriver.CGROUPFS ? cgroups : null,
                new InfraProcess(config.sandbox().infraCommand(), runner, processes),
                new PodSysctls(runner),
                new PodNetworking(networks, runner, networkListener, podCidrs),
                runner,
                Wiring::nodeHostname,
                new LinuxMounter(),
                processes);
        var store = new SandboxStore(config.root());
        ExecutorService cniThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cni-", 0).factory());
        var manager = new SandboxManager(store, system, cniThreads, clock);
        SandboxRecovery.Report report = manager.recover();
        log.info("pod sandboxes: {} ready, {} not ready, {} interrupted creations undone, {} leftovers removed",
                report.ready(), report.notReady(), report.undone(), report.orphansRemoved());
        spreadSubdirectories(store.objectsDirectory());
        return manager;
    }

    /**
     * The container manager, recovered from disk, with exits watched and the sandbox manager told
     * about it. Exits are watched only after recovery, whose records the watcher's first rescan completes.
     */
    private static ContainerManager containers(GantryConfig config, HandlerTable handlers,
                                               ImageManager images, ContainerEvents events, Cgroups cgroups, Clock clock,
                                               ExitListener exitListener) throws IOException {
        Path conmon = Executables.find(config.containers().conmon()).orElseThrow(() -> new ConfigException(
                "container.conmon: \"" + config.containers().conmon() + "\" is not an executable file nor found on PATH"));
        var paths = ContainerPaths.of(config.root(), config.state());
        Directories.create(paths.containersState(), "rwx------");
        Directories.create(paths.exits(), "rwx------");
        Directories.create(paths.attach(), "rwx------");
        var system = new ContainerSystem(paths, ContainerImages.of(images),
                new OciSpecBuilder(HostFacts.current(config.cgroupDriver() == CgroupDriver.SYSTEMD)),
                handlers, conmon, new ConmonLauncher(clock), new ContainerRootfs(new LinuxMounter()), new OomCheck(cgroups), new LinuxProcesses(cgroups), clock,
                config.containers().createTimeout());
        var store = new ContainerStore(paths.containersRoot());
        var manager = new ContainerManager(store, system, events, exitListener, new DeferredDeletion());
        ContainerRecovery.Report report = new ContainerRecovery(store, system, manager).recover();
        log.info("containers: {} running or created, {} exited, {} interrupted creations undone, {} interrupted removals finished",
                report.live(), report.exited(), report.undone(), report.removed());
        spreadSubdirectories(store.objectsDirectory());
        spreadSubdirectories(paths.containersState());
        new ExitWatcher(paths.exits(), manager::onExit).start();
        return manager;
    }

    /**
     * Asks the file system to place each pod's or container's directory made in {@code dir} apart
     * from its siblings (see {@link DirectorySpreading}). Only a hint to the block allocator:
     * where it cannot be given, everything works as before.
     */
    private static void spreadSubdirectories(Path dir) {
        try {
            if (!DirectorySpreading.spreadSubdirectories(dir)) {
                log.debug("{}: the file system does not spread subdirectories (no FS_TOPDIR_FL)", dir);
            }
        } catch (IOException e) {
            log.warn("cannot mark {} to spread its subdirectories over the disk: {}", dir, e.getMessage());
        }
    }

    /**
     * One handler per configured name, in the configuration's order: a runc driver, and what its
     * runtime supports, asked once. A name already {@code known} with the same binary is reused
     * as it is.
     */
    private static List<HandlerTable.Handler> handlers(GantryConfig config, Function<String, Optional<HandlerTable.Handler>> known) {
        String kernel = null;
        List<HandlerTable.Handler> handlers = new ArrayList<>();
        for (Map.Entry<String, String> entry : config.runtimes().paths().entrySet()) {
            String name = entry.getKey();
            String binary = entry.getValue();
            Path path = Executables.find(binary).orElseThrow(() -> new ConfigException(
                    "runtimes." + name + ".path: \"" + binary + "\" is not an executable file nor found on PATH"));
            Optional<HandlerTable.Handler> before = known.apply(name).filter(h -> h.runtime().binary().equals(path));
            if (before.isPresent()) {
                handlers.add(before.get());
                continue;
            }
            kernel = kernel != null ? kernel : kernelRelease();
            var runtime = new RuncRuntime(path, config.state().resolve("runc").resolve(name), Duration.ofSeconds(30));
            RuncFeatures features = features(name, runtime, kernel);
            handlers.add(new HandlerTable.Handler(name, features.runcExecFifo() ? runtime.startingThroughExecFifo() : runtime, features));
        }
        return handlers;
    }

    /**
     * Asks a handler's runtime once what it supports; one that cannot say (runc before 1.1 has no
     * features command) gets the baseline, and a warning.
     */
    private static RuncFeatures features(String name, RuncRuntime runtime, String kernel) {
        RuncFeatures got;
        try {
            got = runtime.features(kernel);
        } catch (RuntimeException e) {
            log.warn("runtime handler {}: cannot ask {} what it supports, assuming the baseline: {}",
                    name, runtime.binary(), e.getMessage());
            got = RuncFeatures.NONE;
        }
        log.info("runtime handler {} ({}): recursive read-only mounts {}, starts {}", name, runtime.binary(),
                got.recursiveReadOnlyMounts() ? "supported" : "not supported",
                got.runcExecFifo() ? "through runc's exec FIFO" : "by its start command");
        return got;
    }

    /** The handlers Status lists: "" with the default handler's features first, then each offered one. */
    private static List<HandlerFeatures> handlerFeatures(HandlerTable table) {
        List<HandlerFeatures> handlers = new ArrayList<>();
        List<HandlerTable.Handler> offered = table.offered();
        RuncFeatures byDefault = table.known(table.defaultHandler()).map(HandlerTable.Handler::features).orElse(RuncFeatures.NONE);
        handlers.add(new HandlerFeatures("", byDefault.recursiveReadOnlyMounts()));
        offered.forEach(h -> handlers.add(new HandlerFeatures(h.name(), h.features().recursiveReadOnlyMounts())));
        return handlers;
    }

    /** The running kernel's release, as uname -r prints it; "" when unreadable (then no feature needing a new kernel is claimed). */
    private static String kernelRelease() {
        try {
            // One line; readString would see only its first byte on /proc/sys.
            return Files.readAllLines(Path.of("/proc/sys/kernel/osrelease")).get(0).strip();
        } catch (IOException | IndexOutOfBoundsException e) {
            log.warn("read the kernel release from /proc/sys/kernel/osrelease: {}", e.toString());
            return "";
        }
    }

    /** The node's hostname as the kernel has it (one line; readString would see only its first byte on /proc/sys). */
    private static String nodeHostname() {
        try {
            return Files.readAllLines(Path.of("/proc/sys/kernel/hostname")).get(0).strip();
        } catch (IOException | IndexOutOfBoundsException e) {
            throw new GantryException(ErrorKind.INTERNAL,
                    "read the node's hostname: " + e.getMessage(), e);
        }
    }

    private static RegistryClient registry(GantryConfig config) {
        return new RegistryClient(RegistryHosts.of(config.registry().hosts()), new RetryPolicy(config.registry().attempts(),
                RetryPolicy.defaults().baseBackoff(), RetryPolicy.defaults().maxBackoff(), RetryPolicy.defaults().sleeper()));
    }

    private static ImageManager images(GantryConfig config, RegistryClient registry, PullListener pullListener) throws IOException {
        Path root = config.root();
        var images = new ImageStore(root.resolve("images"));
        var content = new ContentStore(root.resolve("content"));
        var snapshots = new SnapshotStore(root.resolve("snapshots"));
        var leases = new Leases();
        ExecutorService layerThreads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("layer-", 0).factory());
        var puller = new ImagePuller(registry, content, snapshots, leases, new LayerApplier(), Platform.current(),
                layerThreads, config.images().maxConcurrentDownloads(), config.images().layerLimits(),
                Inflaters.of(config.images().inflate()));
        // Not collected yet: containers must first take their leases (see services()).
        return new ImageManager(images, content, snapshots, puller, leases, config.images().pinned(),
                new HeapTrimmer(Duration.ofSeconds(2)), pullListener);
    }
}
