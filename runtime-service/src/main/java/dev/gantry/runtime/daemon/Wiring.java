package dev.gantry.runtime.daemon;

import dev.gantry.common.fs.Directories;
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

    /** NetworkReady until CNI support lands: false, with the reason the kubelet expects. */
    static final RuntimeHealth.Condition NO_CNI = new RuntimeHealth.Condition(
            RuntimeHealth.NETWORK_READY, false, "NetworkPluginNotReady",
            "pod networking (CNI) is not available in this gantryd yet");

    private Wiring() {}

    static List<BindableService> services(LoadedConfig loaded) throws IOException {
        GantryConfig config = loaded.config();
        Clock clock = Clock.systemUTC();
        var health = new RuntimeHealth(() -> NO_CNI);
        var runtime = new RuntimeServiceEndpoint(
                new VersionRpc(BuildInfo.version()),
                new StatusRpc(health, loaded.effectiveJson()),
                new RuntimeConfigRpc(config.cgroupDriver()));

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
