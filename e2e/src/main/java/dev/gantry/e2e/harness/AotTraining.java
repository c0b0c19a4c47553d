package dev.gantry.e2e.harness;

import dev.gantry.cri.v1.ImageFsInfoRequest;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.ImageStatusRequest;
import dev.gantry.cri.v1.ListContainersRequest;
import dev.gantry.cri.v1.ListImagesRequest;
import dev.gantry.cri.v1.ListPodSandboxRequest;
import dev.gantry.cri.v1.PodSandboxStatusRequest;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.cri.v1.RuntimeConfigRequest;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.client.CriClient;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Trains gantryd's class-data cache at build time: runs the real daemon through {@code bin/gantryd}
 * with {@code GANTRY_AOT_TRAIN=1}, makes the calls a kubelet makes first, and stops it with
 * SIGTERM; the JVM writes the cache as it exits, where the launcher will look for it. Later starts
 * load the daemon's classes already parsed and linked instead of from the jars.
 */
public final class AotTraining {

    private static final String UNKNOWN_POD = "0".repeat(64);
    private static final int FRESH_CONNECTIONS = 100;

    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        GantryDaemon training = GantryDaemon.create().withEnv("GANTRY_AOT_TRAIN", "1");
        withNetworkConfig(training);
        try (GantryDaemon daemon = training.startAndAwaitReady();
                CriClient client = daemon.client()) {
            for (int i = 0; i < 2; i++) {
                client.runtime().version(VersionRequest.getDefaultInstance());
                client.runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
                client.runtime().runtimeConfig(RuntimeConfigRequest.getDefaultInstance());
                client.images().imageStatus(ImageStatusRequest.newBuilder()
                        .setImage(ImageSpec.newBuilder().setImage("busybox")).build());
                client.images().listImages(ListImagesRequest.getDefaultInstance());
                client.images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance());
                // Pod sandbox calls that need no network or root: the listing, and an unknown id.
                client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance());
                client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(UNKNOWN_POD).build());
                client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(UNKNOWN_POD).build());
                try {
                    client.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(UNKNOWN_POD).build());
                } catch (StatusRuntimeException notFound) {
                    // NOT_FOUND: the failure path is trained too
                }
                try {
                    client.runtime().listContainers(ListContainersRequest.getDefaultInstance());
                } catch (StatusRuntimeException unimplemented) {
                    // the failure path is part of what a kubelet exercises, too
                }
                KubeletRequests.rejected(client, daemon.dir());
            }
            // Every crictl command dials anew and starts with Version: the per-connection path
            // (accept, HTTP/2 handshake, stream set-up) runs once per command, so it is trained
            // on fresh connections, enough of them for its methods to be profiled.
            for (int i = 0; i < FRESH_CONNECTIONS; i++) {
                try (CriClient fresh = CriClient.connect(daemon.socket())) {
                    // As crictl and the kubelet ask: with the API version they speak.
                    fresh.runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
                }
            }
            // The daemon's own warm-up runs half a second after start: its path belongs in the cache too.
            daemon.awaitOutput("fresh connections warmed up", Duration.ofSeconds(60));
            int exit = daemon.stop();
            if (exit != 0) {
                throw new IllegalStateException("training daemon exited " + exit + ":\n" + daemon.output());
            }
            System.out.println("gantryd class-data cache trained (written beside gantryd.jar by bin/gantryd)");
        }
    }

    /**
     * A node has a pod network config when gantryd starts, and reading it (JSON) is on the way to
     * the first Version: trained, its classes come from the cache rather than from the jars, whose
     * first search waits for every jar of the class path to be opened. The network is only read:
     * no pod is run, so no plugin is called.
     */
    private static void withNetworkConfig(GantryDaemon daemon) throws IOException {
        Path netd = daemon.dir().resolve("net.d-training");
        Files.createDirectories(netd);
        Files.writeString(netd.resolve("10-training.conflist"), """
                {"cniVersion": "1.0.0", "name": "gantry-training", "plugins": [
                  {"type": "bridge", "bridge": "gttrain0", "isGateway": true, "ipMasq": true,
                   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.213.250.0/24"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
                  {"type": "portmap", "capabilities": {"portMappings": true}}]}
                """);
        Files.writeString(daemon.configFile(), "[cni]\nconf_dir = \"" + netd + "\"\n");
    }
}
