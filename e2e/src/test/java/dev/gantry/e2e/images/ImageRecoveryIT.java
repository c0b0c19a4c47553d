package dev.gantry.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.Image;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.BusyboxLayer;
import dev.gantry.e2e.fixtures.FaultProxy;
import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.PushedImage;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.harness.GantryDaemon;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Images across daemon restarts: intact after a clean stop, nothing half-made after a kill -9 mid-pull. */
class ImageRecoveryIT {

    private final java.util.List<AutoCloseable> cleanup = new java.util.ArrayList<>();

    private <T extends AutoCloseable> T closeLater(T resource) {
        cleanup.add(0, resource);
        return resource;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : cleanup) {
            resource.close();
        }
    }

    @Test
    void restart_afterCleanStop_keepsImagesAndSnapshots() throws Exception {
        RegistryServer registry = closeLater(RegistryServer.anonymous(null));
        Layer base = closeLater(BusyboxLayer.build());
        PushedImage image = OciImageBuilder.create().layer(base).user("app").push(registry.registry(), "e2e/restart", "1");
        GantryDaemon daemon = closeLater(GantryDaemon.create()).startAndAwaitReady();
        Image before;
        try (CriClient client = daemon.client()) {
            var images = new ImageCalls(client, daemon.root());
            images.pull(registry.host() + "/e2e/restart:1");
            before = images.status(image.configDigest()).orElseThrow();
            assertThat(before.getUsername()).isEqualTo("app");
        }
        assertThat(daemon.stop()).isZero();

        GantryDaemon again = closeLater(daemon.sibling(daemon.state())).startAndAwaitReady();
        try (CriClient client = again.client()) {
            var images = new ImageCalls(client, again.root());
            assertThat(images.status(registry.host() + "/e2e/restart:1")).hasValue(before);
            assertThat(images.list()).containsExactly(before);
            images.snapshotDirs(image.diffIds()).forEach(dir -> assertThat(dir.resolve("bin/busybox")).isRegularFile());
        }
    }

    @Test
    void restart_afterKillMidPull_showsNoImageAndLeavesNothingBehind() throws Exception {
        RegistryServer registry = closeLater(RegistryServer.anonymous(null));
        Layer base = closeLater(BusyboxLayer.build());
        Layer big = closeLater(Layer.builder().randomFile("big", 16 << 20, 3).build());
        OciImageBuilder.create().layer(base).layer(big).push(registry.registry(), "e2e/cut", "1");
        FaultProxy proxy = closeLater(FaultProxy.start(registry.host()));
        // the big layer gets no answer: the daemon is mid-pull, with the base layer done, when it dies
        proxy.hang(path -> path.contains("/blobs/" + big.digest()), 1);
        GantryDaemon daemon = closeLater(GantryDaemon.create()).startAndAwaitReady();
        CriClient client = closeLater(daemon.client());
        var images = new ImageCalls(client, daemon.root());
        CompletableFuture<String> pull = CompletableFuture.supplyAsync(() -> images.pull(proxy.host() + "/e2e/cut:1"));
        awaitRequest(proxy, big.digest());
        // until the base layer is published, so the kill leaves a committed-but-unreferenced snapshot too
        Instant giveUp = Instant.now().plusSeconds(30);
        while (images.storeListing().stream().noneMatch(n -> n.startsWith("snapshots/sha256-")) && Instant.now().isBefore(giveUp)) {
            Thread.sleep(50);
        }

        ProcessHandle.of(daemon.pid()).orElseThrow().destroyForcibly();
        daemon.awaitExit(Duration.ofSeconds(30));
        pull.handle((r, e) -> null).get(30, TimeUnit.SECONDS);
        proxy.clear();

        GantryDaemon again = closeLater(daemon.sibling(daemon.state())).startAndAwaitReady();
        try (CriClient second = again.client()) {
            var restarted = new ImageCalls(second, again.root());
            assertThat(restarted.list()).isEmpty();
            assertThat(restarted.status(proxy.host() + "/e2e/cut:1")).isEmpty();
            assertThat(restarted.storeListing()).as("no blob, snapshot, temp dir or ingest survives").isEmpty();
            // and the same pull now succeeds from scratch
            assertThat(restarted.pull(proxy.host() + "/e2e/cut:1")).startsWith("sha256:");
        }
    }

    private static void awaitRequest(FaultProxy proxy, String digest) throws InterruptedException {
        Instant giveUp = Instant.now().plusSeconds(30);
        while (proxy.requests().stream().noneMatch(r -> r.contains(digest))) {
            if (Instant.now().isAfter(giveUp)) {
                throw new AssertionError("the daemon never asked for " + digest + ": " + proxy.requests());
            }
            Thread.sleep(20);
        }
    }
}
