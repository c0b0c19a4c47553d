package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerStatusRequest;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.ListContainersRequest;
import dev.gantry.cri.v1.ListPodSandboxRequest;
import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RemoveContainerRequest;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.StartContainerRequest;
import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.e2e.bench.StartupBenchmark.Stats;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.fixtures.PodConfigs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Containers through a real gantryd (runc under conmon, Debian's CNI plugins, a busybox image from
 * a registry on loopback). Prints one JSON line; nothing passes or fails on the numbers.
 *
 * <pre>
 * per_call            N containers (default 100) spread over 10 pods: CreateContainer, StartContainer,
 *                     StopContainer (timeout 10; `sleep 1000` in a pod-wide PID namespace, so it dies of
 *                     SIGTERM at once) and RemoveContainer, each timed
 * with_n_present      ListContainers (all) and ContainerStatus latency while those N containers run
 * pod_start           20 pods, each RunPodSandbox + CreateContainer + StartContainer until ContainerStatus
 *                     says RUNNING, timed as one
 * conmon_rss          summed VmRSS of the conmon processes of those 20 running containers
 * daemon_rss          idle (after warm-up); with 20 running pods of one container each after 5 s without a
 *                     call (issue 15's definition); and with 50 running pods, 1 s after the last started
 * compare             with BENCH_CONTAINERD=&lt;containerd binary&gt;: that containerd started beside gantryd
 *                     afterwards ({@link ContainerdBeside}), its RSS idle and with 20 running pods after 5 s,
 *                     and its shims' memory, taken as gantryd's ({@link ContainerdMemory})
 * </pre>
 *
 * Everything is removed again and the bridge must be empty afterwards, so a leak fails the
 * benchmark instead of flattering it. Milliseconds throughout.
 *
 * <p>Usage: {@code ContainerBenchmark [containers]}.
 */
public final class ContainerBenchmark {

    static final int PODS_FOR_CALLS = 10;
    static final int POD_START = 20;
    static final int RSS_PODS = 50;
    /** How long the daemon idles with {@link #POD_START} running pods before its RSS is read. */
    private static final long IDLE_WITH_PODS_MILLIS = 5_000;
    private static final int CALLS_WITH_N = 200;
    private static final int WARM_UP = 5;
    private static final int CLIENT_WARM_UP_CALLS = 3000;

    /** The summary printed as JSON. */
    public record Result(int containers, Stats createMs, Stats startMs, Stats stopMs, Stats removeMs, Stats listMs, Stats statusMs,
            Stats podStartMs, @Nullable HelperMemory conmon, double rssIdleMib, double rssIdleWithPodsMib, double rssPodsMib,
            ContainerdMemory.@Nullable Result containerd) {

        Result comparedWith(ContainerdMemory.Result theirs) {
            return new Result(containers, createMs, startMs, stopMs, removeMs, listMs, statusMs, podStartMs, conmon, rssIdleMib,
                    rssIdleWithPodsMib, rssPodsMib, theirs);
        }

        private HelperMemory measuredConmon() {
            return Objects.requireNonNull(conmon, "conmon"); // measured in every run that writes JSON
        }

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"benchmark\":\"containers\",\"containers\":%d,\"pods\":%d,\"java\":\"%s\","
                            + "\"create_ms\":%s,\"start_ms\":%s,\"stop_ms\":%s,\"remove_ms\":%s,"
                            + "\"list_containers_ms\":%s,\"container_status_ms\":%s,"
                            + "\"pod_start_pods\":%d,\"pod_start_ms\":%s,"
                            + "\"conmon_rss_sum_mib\":%.1f,\"conmon_rss_per_container_mib\":%.2f,"
                            + "\"conmon_pss_sum_mib\":%.1f,\"conmon_anon_sum_mib\":%.1f,"
                            + "\"daemon_rss_idle_mib\":%.1f,\"daemon_rss_idle_with_%d_pods_mib\":%.1f,"
                            + "\"daemon_rss_pods\":%d,\"daemon_rss_with_pods_mib\":%.1f%s}",
                    containers, PODS_FOR_CALLS, System.getProperty("java.version"),
                    createMs.toJson(), startMs.toJson(), stopMs.toJson(), removeMs.toJson(), listMs.toJson(), statusMs.toJson(),
                    POD_START, podStartMs.toJson(), measuredConmon().rssMib(), measuredConmon().rssMib() / POD_START, measuredConmon().pssMib(), measuredConmon().anonMib(),
                    rssIdleMib, POD_START, rssIdleWithPodsMib, RSS_PODS, rssPodsMib, containerd == null ? "" : containerd.toJson());
        }
    }

    private ContainerBenchmark() {}

    public static void main(String[] args) throws Exception {
        int containers = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        System.out.println(measure(containers).toJson());
    }

    public static Result measure(int containers) throws Exception {
        if (containers < 1) {
            throw new IllegalArgumentException("containers must be at least 1, got " + containers);
        }
        String containerd = System.getenv(ContainerdBeside.ENV);
        return BenchNode.named("ctr").network("gtbench2", "10.213.54.0/24").run(node -> {
            Result ours = new Run(node).measure(containers);
            if (containerd == null || containerd.isBlank()) {
                return ours;
            }
            try (ContainerdBeside theirs = ContainerdBeside.start(Path.of(containerd), node, Objects.requireNonNull(node.network()))) {
                return ours.comparedWith(ContainerdMemory.measure(theirs, node));
            }
        });
    }

    /** One benchmark run against a started node. */
    private static final class Run {

        private final BenchNode.Node node;
        private final CriClient client;
        private final String image;

        Run(BenchNode.Node node) {
            this.node = node;
            this.client = node.client();
            this.image = node.image();
        }

        Result measure(int containers) throws IOException, InterruptedException {
            client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
            // The kubelet is a compiled Go client; this one is a JVM that starts cold. Warm its
            // (and the server's) gRPC path first, so the numbers are the daemon's, not our JIT's.
            for (int i = 0; i < CLIENT_WARM_UP_CALLS; i++) {
                client.runtime().listContainers(ListContainersRequest.getDefaultInstance());
            }
            for (int i = 0; i < WARM_UP; i++) {
                PodSandboxConfig pod = sharedPidPod("warm-" + i);
                String podId = runPod(pod);
                String id = create(podId, pod, "main");
                start(id);
                awaitRunning(id);
                stop(id, 10);
                remove(id);
                removePod(podId);
            }
            Thread.sleep(3000);
            double rssIdle = StartupBenchmark.rssMib(node.daemon().pid());

            double[] create = new double[containers];
            double[] start = new double[containers];
            double[] stop = new double[containers];
            double[] remove = new double[containers];
            List<PodSandboxConfig> pods = new ArrayList<>();
            List<String> podIds = new ArrayList<>();
            for (int p = 0; p < PODS_FOR_CALLS; p++) {
                PodSandboxConfig pod = sharedPidPod("calls-" + p);
                pods.add(pod);
                podIds.add(runPod(pod));
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < containers; i++) {
                int p = i % PODS_FOR_CALLS;
                long t0 = System.nanoTime();
                String id = create(podIds.get(p), pods.get(p), "c" + i);
                long t1 = System.nanoTime();
                start(id);
                long t2 = System.nanoTime();
                create[i] = (t1 - t0) / 1e6;
                start[i] = (t2 - t1) / 1e6;
                ids.add(id);
            }
            for (String id : ids) {
                awaitRunning(id);
            }
            double[] list = new double[CALLS_WITH_N];
            double[] status = new double[CALLS_WITH_N];
            for (int i = 0; i < CALLS_WITH_N; i++) {
                long t0 = System.nanoTime();
                int listed = client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount();
                long t1 = System.nanoTime();
                client.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(ids.get(i % ids.size())).build());
                long t2 = System.nanoTime();
                if (listed != containers) {
                    throw new IllegalStateException("ListContainers returned " + listed + " containers, " + containers + " run");
                }
                list[i] = (t1 - t0) / 1e6;
                status[i] = (t2 - t1) / 1e6;
            }
            for (int i = 0; i < containers; i++) {
                String id = ids.get(i);
                long t0 = System.nanoTime();
                stop(id, 10);
                long t1 = System.nanoTime();
                remove(id);
                long t2 = System.nanoTime();
                stop[i] = (t1 - t0) / 1e6;
                remove[i] = (t2 - t1) / 1e6;
            }
            podIds.forEach(this::removePod);
            checkEmpty("after the per-call containers");

            double[] podStart = new double[POD_START];
            List<String> running = new ArrayList<>();
            List<String> runningPods = new ArrayList<>();
            HelperMemory conmon = null;
            double rssIdleWithPods = Double.NaN;
            for (int i = 0; i < RSS_PODS; i++) {
                PodSandboxConfig pod = node.pod("full-" + i).build();
                long t0 = System.nanoTime();
                String podId = runPod(pod);
                String id = create(podId, pod, "main");
                start(id);
                awaitRunning(id);
                long t1 = System.nanoTime();
                runningPods.add(podId);
                running.add(id);
                if (i < POD_START) {
                    podStart[i] = (t1 - t0) / 1e6;
                }
                if (i == POD_START - 1) {
                    conmon = HelperMemory.of("conmon", node.daemon().state(), POD_START);
                    Thread.sleep(IDLE_WITH_PODS_MILLIS);
                    rssIdleWithPods = StartupBenchmark.rssMib(node.daemon().pid());
                }
            }
            Thread.sleep(1000);
            double rssPods = StartupBenchmark.rssMib(node.daemon().pid());
            for (int i = 0; i < running.size(); i++) {
                stop(running.get(i), 0);
                remove(running.get(i));
                removePod(runningPods.get(i));
            }
            checkEmpty("after the running pods");
            return new Result(containers, Stats.of(create), Stats.of(start), Stats.of(stop), Stats.of(remove), Stats.of(list),
                    Stats.of(status), Stats.of(podStart), conmon, rssIdle, rssIdleWithPods, rssPods, null);
        }

        private PodSandboxConfig sharedPidPod(String name) {
            return PodConfigs.withNamespaces(node.pod(name), NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD)
                    .build();
        }

        private String runPod(PodSandboxConfig config) {
            return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
        }

        private void removePod(String id) {
            client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
            client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
        }

        private String create(String podId, PodSandboxConfig pod, String name) {
            ContainerConfig config = ContainerConfigs.named(pod, name, image, "sleep", "1000").build();
            return client.runtime().createContainer(CreateContainerRequest.newBuilder()
                    .setPodSandboxId(podId).setConfig(config).setSandboxConfig(pod).build()).getContainerId();
        }

        private void start(String id) {
            client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        }

        private void stop(String id, long timeout) {
            client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(timeout).build());
        }

        private void remove(String id) {
            client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
        }

        /** Part of what pod_start times, so it polls tightly. */
        private void awaitRunning(String id) throws InterruptedException {
            BenchNode.awaitRunning(client, id, Duration.ofMillis(1));
        }

        private void checkEmpty(String when) {
            int containers = client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount();
            int pods = client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount();
            CniTestNetwork network = Objects.requireNonNull(node.network(), "the benchmark's network");
            if (containers != 0 || pods != 0 || !network.bridgePorts().isEmpty() || !network.reservations().isEmpty()) {
                throw new IllegalStateException(when + ": " + containers + " containers and " + pods + " pods listed, veths "
                        + network.bridgePorts() + ", reservations " + network.reservations());
            }
        }
    }
}
