package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RemoveContainerRequest;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.StartContainerRequest;
import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.cri.v1.VersionResponse;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The container benchmark's memory rows taken against containerd run beside gantryd
 * ({@link ContainerdBeside}), the same way as gantryd's: its RSS idle after the image pull and five
 * pod cycles, its shims' memory with {@value ContainerBenchmark#POD_START} running pods of one
 * container each, and its RSS after those pods have run 5 s without a call.
 */
final class ContainerdMemory {

    private static final int WARM_UP = 5;
    private static final long IDLE_MILLIS = 3_000;
    private static final long IDLE_WITH_PODS_MILLIS = 5_000;

    /** containerd's figures, for the container benchmark's JSON. */
    record Result(VersionResponse version, double rssIdleMib, double rssIdleWithPodsMib, HelperMemory shims) {

        /** {@code ,"compare":{...}} with the same names as gantryd's rows, shims in place of conmon. */
        String toJson() {
            return String.format(Locale.ROOT,
                    ",\"compare\":{\"runtime\":\"%s\",\"runtime_version\":\"%s\",\"daemon_rss_idle_mib\":%.1f,"
                            + "\"daemon_rss_idle_with_%d_pods_mib\":%.1f,\"shims\":%d,\"shim_rss_sum_mib\":%.1f,"
                            + "\"shim_pss_sum_mib\":%.1f,\"shim_anon_sum_mib\":%.1f}",
                    version.getRuntimeName(), version.getRuntimeVersion(), rssIdleMib, ContainerBenchmark.POD_START, rssIdleWithPodsMib,
                    shims.processes(), shims.rssMib(), shims.pssMib(), shims.anonMib());
        }
    }

    private ContainerdMemory() {}

    static Result measure(ContainerdBeside containerd, BenchNode.Node node) throws IOException, InterruptedException {
        try (CriClient client = CriClient.connect(containerd.socket(), Duration.ofMinutes(2))) {
            Pods pods = new Pods(client, node);
            client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(node.image())).build());
            for (int i = 0; i < WARM_UP; i++) {
                pods.removeAll(List.of(pods.start("ctd-warm-" + i)));
            }
            Thread.sleep(IDLE_MILLIS);
            double idle = StartupBenchmark.rssMib(containerd.pid());
            List<Pods.Running> running = new ArrayList<>();
            try {
                for (int i = 0; i < ContainerBenchmark.POD_START; i++) {
                    running.add(pods.start("ctd-full-" + i));
                }
                HelperMemory shims = HelperMemory.of("containerd-shim", containerd.dir(), ContainerBenchmark.POD_START);
                Thread.sleep(IDLE_WITH_PODS_MILLIS);
                double withPods = StartupBenchmark.rssMib(containerd.pid());
                return new Result(client.runtime().version(VersionRequest.getDefaultInstance()), idle, withPods, shims);
            } finally {
                pods.removeAll(running);
            }
        }
    }

    /** Pods of one running busybox container each, as the container benchmark runs them on gantryd. */
    private record Pods(CriClient client, BenchNode.Node node) {

        record Running(String podId, String containerId) {}

        Running start(String name) throws InterruptedException {
            var rt = client.runtime();
            PodSandboxConfig pod = node.pod(name).build();
            ContainerConfig config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build();
            String podId = rt.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
            String id = rt.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setConfig(config)
                    .setSandboxConfig(pod).build()).getContainerId();
            rt.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
            BenchNode.awaitRunning(client, id, Duration.ofMillis(10));
            return new Running(podId, id);
        }

        void removeAll(List<Running> pods) {
            var rt = client.runtime();
            for (Running p : pods) {
                rt.stopContainer(StopContainerRequest.newBuilder().setContainerId(p.containerId()).setTimeout(0).build());
                rt.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(p.containerId()).build());
                rt.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(p.podId()).build());
                rt.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.podId()).build());
            }
        }
    }
}
