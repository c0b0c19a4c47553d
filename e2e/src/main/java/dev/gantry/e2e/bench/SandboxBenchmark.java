package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.ListPodSandboxRequest;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.e2e.bench.StartupBenchmark.Stats;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.fixtures.PodConfigs;
import dev.gantry.e2e.harness.GantryDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pod sandboxes through a real gantryd with Debian's bridge, host-local and portmap plugins. Prints
 * one JSON line; nothing passes or fails on the numbers.
 *
 * <pre>
 * sequential    N pods one after another (default 100): RunPodSandbox, StopPodSandbox, RemovePodSandbox each timed
 * concurrent20  20 RunPodSandbox at once from 20 threads: each call's latency and the wall time of all
 * cni_by_hand   the same plugin chain exec'd by this program in a fresh netns, ADD and DEL timed apart,
 *               and the netns creation (ip netns add) too: netns_and_add_ms is "a pod's network by hand",
 *               once after each sequential pod so both see the same machine (never at the same time)
 * rss           daemon RSS idle (after warm-up) and right after the 20 concurrent pods
 * </pre>
 *
 * Pods are as the kubelet makes them by default (own network and IPC, PID per container, so no
 * infra process) with no ports. Every pod is removed again and the bridge must be empty afterwards,
 * so a leak fails the benchmark instead of flattering it. Milliseconds throughout.
 *
 * <p>Usage: {@code SandboxBenchmark [pods]}.
 */
public final class SandboxBenchmark {

    static final int CONCURRENT = 20;
    private static final int WARM_UP = 5;
    private static final int CLIENT_WARM_UP_CALLS = 3000;

    /** The summary printed as JSON. */
    public record Result(int pods, Stats runMs, Stats stopMs, Stats removeMs, Stats concurrentRunMs, double concurrentWallMs,
            Stats cniNetnsMs, Stats cniAddMs, Stats cniNetnsAndAddMs, Stats cniDelMs, double rssIdleMib, double rssAfterConcurrentMib) {

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"benchmark\":\"sandbox\",\"pods\":%d,\"java\":\"%s\",\"run_ms\":%s,\"stop_ms\":%s,\"remove_ms\":%s,"
                            + "\"concurrent\":%d,\"concurrent_run_ms\":%s,\"concurrent_wall_ms\":%.1f,"
                            + "\"cni_by_hand\":{\"netns_add_ms\":%s,\"add_ms\":%s,\"netns_and_add_ms\":%s,\"del_ms\":%s},"
                            + "\"daemon_rss_idle_mib\":%.1f,\"daemon_rss_after_concurrent_mib\":%.1f}",
                    pods, System.getProperty("java.version"), runMs.toJson(), stopMs.toJson(), removeMs.toJson(),
                    CONCURRENT, concurrentRunMs.toJson(), concurrentWallMs, cniNetnsMs.toJson(), cniAddMs.toJson(),
                    cniNetnsAndAddMs.toJson(), cniDelMs.toJson(),
                    rssIdleMib, rssAfterConcurrentMib);
        }
    }

    private SandboxBenchmark() {}

    public static void main(String[] args) throws Exception {
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        System.out.println(measure(pods).toJson());
    }

    public static Result measure(int pods) throws IOException, InterruptedException {
        if (pods < 1) {
            throw new IllegalArgumentException("pods must be at least 1, got " + pods);
        }
        Path logRoot = Files.createTempDirectory("gantry-bench-logs-");
        try {
            HostCommands.quietly("ip", "link", "del", "gtbench1");
            Daemon daemon;
            List<CniChainBaseline.Sample> byHand = new ArrayList<>();
            try (CniTestNetwork byHandNetwork = CniTestNetwork.ipv4("gantry-bench-byhand", "gtbench1", "10.213.52.0/24")) {
                CniChainBaseline baseline = new CniChainBaseline(byHandNetwork);
                baseline.run(WARM_UP);
                daemon = daemonRuns(pods, logRoot, () -> byHand.addAll(baseline.run(1)));
            }
            return new Result(pods, Stats.of(daemon.run()), Stats.of(daemon.stop()), Stats.of(daemon.remove()),
                    Stats.of(daemon.concurrentRun()), daemon.concurrentWall(),
                    Stats.of(byHand.stream().mapToDouble(CniChainBaseline.Sample::netnsMillis).toArray()),
                    Stats.of(byHand.stream().mapToDouble(CniChainBaseline.Sample::addMillis).toArray()),
                    Stats.of(byHand.stream().mapToDouble(CniChainBaseline.Sample::netnsAndAddMillis).toArray()),
                    Stats.of(byHand.stream().mapToDouble(CniChainBaseline.Sample::delMillis).toArray()),
                    daemon.rssIdle(), daemon.rssAfterConcurrent());
        } finally {
            ImagePullBenchmark.deleteTree(logRoot);
            BenchCleanup.removeCgroupRoot();
        }
    }

    private record Daemon(double[] run, double[] stop, double[] remove, double[] concurrentRun, double concurrentWall,
            double rssIdle, double rssAfterConcurrent) {}

    /** Runs between the daemon's sequential pods, so both measurements see the same machine. */
    private interface Interleaved {
        void run() throws IOException;
    }

    private static Daemon daemonRuns(int pods, Path logRoot, Interleaved between) throws IOException, InterruptedException {
        HostCommands.quietly("ip", "link", "del", "gtbench0");
        try (CniTestNetwork network = CniTestNetwork.ipv4("gantry-bench", "gtbench0", "10.213.51.0/24");
                GantryDaemon daemon = GantryDaemon.create()) {
            network.configure(daemon.configFile());
            network.install();
            daemon.startAndAwaitReady();
            try (CriClient client = CriClient.connect(daemon.socket(), Duration.ofMinutes(2))) {
                // The kubelet is a compiled Go client; this one is a JVM that starts cold. Warm its
                // (and the server's) gRPC path first, so the numbers are the daemon's, not our JIT's.
                for (int i = 0; i < CLIENT_WARM_UP_CALLS; i++) {
                    client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance());
                }
                for (int i = 0; i < WARM_UP; i++) {
                    String id = run(client, PodConfigs.named("warm-" + i, logRoot).build());
                    stop(client, id);
                    remove(client, id);
                }
                Thread.sleep(3000);
                double rssIdle = StartupBenchmark.rssMib(daemon.pid());

                double[] run = new double[pods];
                double[] stop = new double[pods];
                double[] remove = new double[pods];
                for (int i = 0; i < pods; i++) {
                    PodSandboxConfig config = PodConfigs.named("seq-" + i, logRoot).build();
                    long t0 = System.nanoTime();
                    String id = run(client, config);
                    long t1 = System.nanoTime();
                    stop(client, id);
                    long t2 = System.nanoTime();
                    remove(client, id);
                    long t3 = System.nanoTime();
                    run[i] = (t1 - t0) / 1e6;
                    stop[i] = (t2 - t1) / 1e6;
                    remove[i] = (t3 - t2) / 1e6;
                    between.run();
                }
                checkEmpty(client, network, "after the sequential pods");

                double[] concurrentRun = new double[CONCURRENT];
                List<String> ids = new ArrayList<>();
                double wall;
                try (ExecutorService threads = Executors.newFixedThreadPool(CONCURRENT)) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<String>> calls = new ArrayList<>();
                    for (int i = 0; i < CONCURRENT; i++) {
                        int n = i;
                        PodSandboxConfig config = PodConfigs.named("conc-" + i, logRoot).build();
                        calls.add(threads.submit(() -> {
                            go.await();
                            long t0 = System.nanoTime();
                            String id = run(client, config);
                            concurrentRun[n] = (System.nanoTime() - t0) / 1e6;
                            return id;
                        }));
                    }
                    long start = System.nanoTime();
                    go.countDown();
                    for (Future<String> call : calls) {
                        ids.add(call.get());
                    }
                    wall = (System.nanoTime() - start) / 1e6;
                } catch (ExecutionException e) {
                    Throwable cause = Objects.requireNonNull(e.getCause());
                    throw new IllegalStateException("concurrent RunPodSandbox: " + cause.getMessage() + BenchCleanup.tail(daemon), cause);
                }
                double rssAfter = StartupBenchmark.rssMib(daemon.pid());
                for (String id : ids) {
                    remove(client, id);
                }
                checkEmpty(client, network, "after the concurrent pods");
                return new Daemon(run, stop, remove, concurrentRun, wall, rssIdle, rssAfter);
            } catch (RuntimeException e) {
                throw new IllegalStateException(e.getMessage() + BenchCleanup.tail(daemon), e);
            }
        }
    }

    private static String run(CriClient client, PodSandboxConfig config) {
        return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    private static void stop(CriClient client, String id) {
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    private static void remove(CriClient client, String id) {
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    }

    private static void checkEmpty(CriClient client, CniTestNetwork network, String when) {
        int left = client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount();
        if (left != 0 || !network.bridgePorts().isEmpty() || !network.reservations().isEmpty()) {
            throw new IllegalStateException(when + ": " + left + " pods listed, veths " + network.bridgePorts()
                    + ", reservations " + network.reservations());
        }
    }
}
