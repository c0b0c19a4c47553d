package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.ListContainerStatsRequest;
import dev.gantry.cri.v1.ListContainersRequest;
import dev.gantry.cri.v1.ListPodSandboxRequest;
import dev.gantry.cri.v1.ListPodSandboxStatsRequest;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RemoveContainerRequest;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.StartContainerRequest;
import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.bench.StartupBenchmark.Stats;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stats RPCs with N running containers (default 50, one per pod, each pod on the CNI bridge).
 * Prints one JSON line; nothing passes or fails on the numbers.
 *
 * <pre>
 *                           (all after 600 ListPodSandbox + ListContainers: ten minutes of a kubelet's relists,
 *                           then 300 calls of each stats RPC)
 * version_ms                Version, 200 calls: the floor, one round trip that does no work
 * list_container_stats_ms   ListContainerStats (all), 200 calls
 * list_pod_stats_ms         ListPodSandboxStats (all: cgroups, containers, network), 200 calls
 * daemon_cpu_ms_per_min     gantryd's CPU time (utime + stime) over one minute in which a client asks
 *                           ListPodSandboxStats and ListContainerStats every 10 s, as the kubelet does
 * </pre>
 *
 * <p>Usage: {@code StatsBenchmark [containers] [latency]}; {@code latency} leaves out the two CPU minutes.
 */
public final class StatsBenchmark {

    private static final int CALLS = 200;
    private static final int WARM_UP_CALLS = 300;
    /** The kubelet's PLEG lists pods and containers every second: ten minutes of a node's life before measuring. */
    private static final int RELISTS = 600;
    private static final Duration KUBELET_PERIOD = Duration.ofSeconds(10);
    private static final Duration CPU_WINDOW = Duration.ofMinutes(1);
    private static final double CLOCK_TICKS = 100;

    public record Result(int containers, Stats versionMs, Stats listContainerStatsMs, Stats listPodStatsMs,
                         double daemonCpuMsPerMin, double idleCpuMsPerMin) {

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"benchmark\":\"stats\",\"containers\":%d,\"pods\":%d,\"java\":\"%s\",\"version_ms\":%s,\"list_container_stats_ms\":%s,"
                            + "\"list_pod_stats_ms\":%s,\"daemon_cpu_ms_per_min_polled_every_10s\":%s,\"daemon_cpu_ms_per_min_idle\":%s}",
                    containers, containers, System.getProperty("java.version"), versionMs.toJson(), listContainerStatsMs.toJson(), listPodStatsMs.toJson(),
                    ms(daemonCpuMsPerMin), ms(idleCpuMsPerMin));
        }

        /** Whole milliseconds, or null when not measured. */
        private static String ms(double value) {
            return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.0f", value);
        }
    }

    private StatsBenchmark() {}

    public static void main(String[] args) throws Exception {
        int containers = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        boolean latencyOnly = args.length > 1 && args[1].equals("latency");
        System.out.println(measure(containers, latencyOnly).toJson());
    }

    public static Result measure(int containers, boolean latencyOnly) throws Exception {
        return BenchNode.named("stats").network("gtbench3", "10.213.55.0/24").run(node -> run(node, containers, latencyOnly));
    }

    private static Result run(BenchNode.Node node, int n, boolean latencyOnly) throws IOException, InterruptedException {
        CriClient client = node.client();
        String image = node.image();
        client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
        List<String> pods = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                PodSandboxConfig pod = node.pod("stats-" + i).build();
                String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
                pods.add(podId);
                ContainerConfig config = ContainerConfigs.named(pod, "main", image, "sleep", "100000").build();
                String id = client.runtime().createContainer(CreateContainerRequest.newBuilder()
                        .setPodSandboxId(podId).setConfig(config).setSandboxConfig(pod).build()).getContainerId();
                ids.add(id);
                client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
            }
            for (String id : ids) {
                BenchNode.awaitRunning(client, id, Duration.ofMillis(10));
            }
            // Measure a node in its steady state, not a daemon just started: gantryd's JIT compiles only
            // hot code (bin/gantryd), and on a node the kubelet's relists every second make the shared
            // gRPC path hot within minutes. Then the stats calls themselves, as the kubelet has asked for them.
            for (int i = 0; i < RELISTS; i++) {
                client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance());
                client.runtime().listContainers(ListContainersRequest.getDefaultInstance());
            }
            for (int i = 0; i < WARM_UP_CALLS; i++) {
                listContainerStats(client, n);
                listPodStats(client, n);
            }
            double[] containers = new double[CALLS];
            double[] podStats = new double[CALLS];
            double[] version = new double[CALLS];
            for (int i = 0; i < CALLS; i++) {
                long v0 = System.nanoTime();
                client.runtime().version(VersionRequest.getDefaultInstance());
                version[i] = (System.nanoTime() - v0) / 1e6;
                long t0 = System.nanoTime();
                listContainerStats(client, n);
                long t1 = System.nanoTime();
                listPodStats(client, n);
                long t2 = System.nanoTime();
                containers[i] = (t1 - t0) / 1e6;
                podStats[i] = (t2 - t1) / 1e6;
            }
            if (latencyOnly) {
                return new Result(n, Stats.of(version), Stats.of(containers), Stats.of(podStats), Double.NaN, Double.NaN);
            }
            double idle = cpuMsOver(node.daemon().pid(), () -> Thread.sleep(CPU_WINDOW.toMillis()));
            double polled = cpuMsOver(node.daemon().pid(), () -> {
                Instant end = Instant.now().plus(CPU_WINDOW);
                while (Instant.now().isBefore(end)) {
                    listPodStats(client, n);
                    listContainerStats(client, n);
                    Thread.sleep(KUBELET_PERIOD.toMillis());
                }
            });
            return new Result(n, Stats.of(version), Stats.of(containers), Stats.of(podStats), polled, idle);
        } finally {
            for (String id : ids) {
                client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
                client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
            }
            for (String pod : pods) {
                client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
                client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
            }
        }
    }

    private static void listContainerStats(CriClient client, int expected) {
        int got = client.runtime().listContainerStats(ListContainerStatsRequest.getDefaultInstance()).getStatsCount();
        if (got != expected) {
            throw new IllegalStateException("ListContainerStats returned " + got + " containers, " + expected + " run");
        }
    }

    private static void listPodStats(CriClient client, int expected) {
        var stats = client.runtime().listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance()).getStatsList();
        if (stats.size() != expected || !stats.getFirst().getLinux().hasNetwork()) {
            throw new IllegalStateException("ListPodSandboxStats returned " + stats.size() + " pods (" + expected + " run), first: "
                    + (stats.isEmpty() ? "none" : stats.getFirst().getLinux()));
        }
    }

    private interface Work {
        void run() throws InterruptedException;
    }

    /** gantryd's user + system CPU time while {@code work} runs, scaled to one minute. */
    private static double cpuMsOver(long pid, Work work) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        long before = StartupBenchmark.cpuTicks(pid);
        work.run();
        long after = StartupBenchmark.cpuTicks(pid);
        double minutes = (System.nanoTime() - t0) / 60e9;
        return (after - before) / CLOCK_TICKS * 1000 / minutes;
    }
}
