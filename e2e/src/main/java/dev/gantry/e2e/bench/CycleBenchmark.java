package dev.gantry.e2e.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.CniTestNetwork;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.fixtures.HostCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The pod cycle as an operator or the side-by-side table measures it: one crictl process
 * per step (version, runp, create, start, stop, rm, stopp, rmp), medians over the iterations, the
 * first cycle apart (the first pod after the daemon started), and 10 pods started at once (runp +
 * create + start each). Beside them the floor crictl itself costs
 * ({@code crictl --version}: start-up without a connection) and the same cycle over one gRPC
 * connection from this JVM, without crictl, and what a fresh connection's first call costs the
 * daemon ({@link FreshConnectionVersion}: no client library in the figure). The floors are taken
 * in the same run, each right after the daemon's figure it bounds: a cycle by hand (seven crictl
 * start-ups, {@code ip netns add}, the conflist's ADD chain, {@code runc create}, {@code start},
 * {@code kill} and {@code delete} of a container in that netns, the DEL chain) and 10 such pods at
 * once (three crictl start-ups, netns, ADD, runc create and start each). With
 * {@value #COMPARE_ENV} naming another runtime's socket, that figure and {@code crictl version} are
 * also taken against it, interleaved with ours, and their ratios printed. With
 * {@value ContainerdBeside#ENV} naming a containerd binary, this run starts that containerd beside
 * gantryd on the same network and registry ({@link ContainerdBeside}), takes every crictl figure
 * against it too, each cycle and burst right after ours, and compares the connections with it.
 * The pods use a bridge + host-local + portmap network of their own. Needs crictl: {@code CRICTL}, else
 * ../shared/tools/cri-tools-1.36.0/crictl.
 */
public final class CycleBenchmark {

    private static final List<String> STEPS = List.of("version", "runp", "create", "start", "stop", "rm", "stopp", "rmp");
    /** The pod steps of {@link #STEPS}, as the crictl-free cycle times them one by one. */
    private static final List<String> GRPC_STEPS = STEPS.subList(1, STEPS.size());
    /** The cycle's floor by hand, without gantryd, crictl or conmon, timed step by step (see {@code Floors.cycle}). */
    private static final List<String> FLOOR_STEPS = List.of("netns", "cni_add", "runc_create", "runc_start", "runc_kill", "runc_delete",
            "cni_del");
    /** crictl processes in a cycle (one per pod step) and in a pod started at once (runp, create, start). */
    private static final int CRICTL_PER_CYCLE = 7;
    private static final int CRICTL_PER_POD = 3;
    private static final int WARM_UP = 3;
    private static final int CONCURRENT_PODS = 10;
    private static final int CONCURRENT_ROUNDS = 3;
    /** Fresh connections per runtime for the first-call figure, taken after everything else. */
    private static final int FRESH_CONNECTIONS = 200;
    /** Another CRI runtime's socket (containerd's) to take the connection figures beside, interleaved. */
    private static final String COMPARE_ENV = "BENCH_COMPARE_CRI";
    private static final int CRICTL_VERSION_PAIRS = 40;
    /** The first crictl commands after a start, per runtime, and how long both have been up before them. */
    private static final int FIRST_VERSIONS = 25;
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private CycleBenchmark() {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path crictl = crictl();
        String json = BenchNode.named("cycle").network("gtbench7", "10.213.57.0/24")
                .run(node -> new Run(node, crictl).measure(iterations));
        System.out.println(json);
    }

    static Path crictl() {
        String configured = System.getenv("CRICTL");
        Path path = configured != null ? Path.of(configured) : Path.of("..", "shared", "tools", "cri-tools-1.36.0", "crictl");
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException("no crictl at " + path.toAbsolutePath() + " (set CRICTL)");
        }
        return path.toAbsolutePath().normalize();
    }

    private static final class Run {
        private final BenchNode.Node node;
        private final Path crictl;
        private final Path work;
        private final String endpoint;

        Run(BenchNode.Node node, Path crictl) throws IOException {
            this.node = node;
            this.crictl = crictl;
            this.work = Files.createTempDirectory(node.logRoot(), "crictl-");
            this.endpoint = "unix://" + node.daemon().socket();
            // an empty config of its own: the node's /etc/crictl.yaml must not change what crictl does
            Files.writeString(work.resolve("crictl.yaml"), "");
        }

        String measure(int iterations) throws Exception {
            CniTestNetwork network = Objects.requireNonNull(node.network(), "network");
            String containerd = System.getenv(ContainerdBeside.ENV);
            try (RuncBaseline runc = new RuncBaseline(node.cgroupParent());
                    ContainerdBeside theirs = containerd == null || containerd.isBlank() ? null
                            : ContainerdBeside.start(Path.of(containerd), node, network)) {
                return measure(iterations, new Floors(new CniChainBaseline(network), runc), theirs);
            }
        }

        private String measure(int iterations, Floors floors, @Nullable ContainerdBeside containerd) throws Exception {
            CrictlFigures ours = new CrictlFigures(new Target(endpoint, node.daemon().pid(), ""), iterations);
            @Nullable CrictlFigures theirs = containerd == null ? null
                    : new CrictlFigures(new Target("unix://" + containerd.socket(), containerd.pid(), "ctd-"), iterations);
            String firstVersions = firstVersions(ours.target(), theirs == null ? null : theirs.target());
            crictlAt(ours.target().endpoint(), "pull", node.image());
            if (theirs != null) {
                crictlAt(theirs.target().endpoint(), "pull", node.image());
            }
            Map<String, double[]> floorSteps = perStep(FLOOR_STEPS, iterations);
            double[] noop = new double[iterations];
            double[] floorCycles = new double[iterations];
            for (int i = -WARM_UP; i < iterations; i++) {
                ours.add(i, cycle(ours.target(), "cycle-" + (i + WARM_UP)));
                if (theirs != null) {
                    theirs.add(i, cycle(theirs.target(), "cycle-" + (i + WARM_UP)));
                }
                double crictlFloor = crictlNoop();
                double[] byHand = floors.cycle("gtfloor-" + (i + WARM_UP));
                if (i >= 0) {
                    store(floorSteps, i, byHand);
                    noop[i] = crictlFloor;
                    floorCycles[i] = CRICTL_PER_CYCLE * crictlFloor + Arrays.stream(byHand).sum();
                }
            }
            List<Burst> concurrentFloor = new ArrayList<>();
            for (int r = 0; r < CONCURRENT_ROUNDS; r++) {
                ours.bursts().add(concurrentPods(ours.target(), r));
                if (theirs != null) {
                    theirs.bursts().add(concurrentPods(theirs.target(), r));
                }
                concurrentFloor.add(floors.concurrentPods(r));
            }
            double[] grpc = new double[iterations];
            Map<String, double[]> grpcSteps = perStep(GRPC_STEPS, iterations);
            for (int i = -WARM_UP; i < iterations; i++) {
                double[] one = grpcCycle("grpc-" + (i + WARM_UP));
                if (i >= 0) {
                    grpc[i] = Arrays.stream(one).sum();
                    store(grpcSteps, i, one);
                }
            }
            String compareSocket = containerd != null ? containerd.socket().toString() : System.getenv(COMPARE_ENV);
            String connections = connections(compareSocket, theirs == null ? "" : theirs.json());
            StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                    "{\"benchmark\":\"cycle\",\"iterations\":%d,\"java\":\"%s\",\"crictl_noop_ms\":%.1f",
                    iterations, System.getProperty("java.version"), median(noop)));
            json.append(firstVersions);
            json.append(ours.json());
            json.append(String.format(Locale.ROOT, ",\"cycle_target_ms\":250,\"concurrent_target_ms\":450,\"grpc_cycle_ms\":%.1f",
                    median(grpc)));
            appendMedians(json, "grpc_", grpcSteps);
            json.append(String.format(Locale.ROOT, ",\"floor\":{\"cycle_ms\":%.1f,\"concurrent_%d_pods_ms\":%.1f,\"concurrent_%d_pods_cpu_ms\":%.0f",
                    median(floorCycles), CONCURRENT_PODS, Burst.median(concurrentFloor, Burst::wallMillis), CONCURRENT_PODS,
                    Burst.median(concurrentFloor, Burst::machineCpuMillis)));
            appendMedians(json, "", floorSteps);
            json.append('}').append(connections).append('}');
            return json.toString();
        }

        /**
         * One runtime's crictl figures as they are taken: each cycle's steps (the first apart, the
         * other warm-up cycles dropped) and each 10-pod burst.
         */
        private static final class CrictlFigures {
            private final Target target;
            private final Map<String, double[]> steps;
            private final double[] cycles;
            private final List<Burst> bursts = new ArrayList<>();
            private double[] first = new double[STEPS.size()];

            CrictlFigures(Target target, int iterations) {
                this.target = target;
                this.steps = perStep(STEPS, iterations);
                this.cycles = new double[iterations];
            }

            Target target() {
                return target;
            }

            List<Burst> bursts() {
                return bursts;
            }

            /** Cycle {@code i} of the run, counting from {@code -WARM_UP}: the warm-up's first is kept apart. */
            void add(int i, double[] one) {
                if (i == -WARM_UP) {
                    first = one;
                }
                if (i >= 0) {
                    store(steps, i, one);
                    cycles[i] = podSteps(one);
                }
            }

            /**
             * As JSON fields, each starting with a comma: the step medians, create + start, the cycle, the
             * bursts' wall time, machine CPU and the runtime's own CPU (containerd's without its shims), and
             * the first cycle, which the medians leave out as warm-up: what the first pod after a start
             * costs (only {@code crictl pull} ran before it).
             */
            String json() {
                StringBuilder json = new StringBuilder();
                appendMedians(json, "", steps);
                json.append(String.format(Locale.ROOT,
                        ",\"create_start_ms\":%.1f,\"cycle_ms\":%.1f,\"concurrent_%d_pods_ms\":%.1f,"
                                + "\"concurrent_%d_pods_cpu_ms\":%.0f,\"concurrent_%d_pods_daemon_cpu_ms\":%.0f",
                        median(sum(Objects.requireNonNull(steps.get("create")), Objects.requireNonNull(steps.get("start")))),
                        median(cycles), CONCURRENT_PODS, Burst.median(bursts, Burst::wallMillis), CONCURRENT_PODS,
                        Burst.median(bursts, Burst::machineCpuMillis), CONCURRENT_PODS, Burst.median(bursts, Burst::daemonCpuMillis)));
                json.append(",\"first_cycle\":{");
                for (int s = 0; s < STEPS.size(); s++) {
                    json.append(String.format(Locale.ROOT, "\"%s_ms\":%.1f,", STEPS.get(s), first[s]));
                }
                return json.append(String.format(Locale.ROOT, "\"cycle_ms\":%.1f}", podSteps(first))).toString();
            }

            /** The 7 pod steps of a cycle; version is the connection's cost. */
            private static double podSteps(double[] one) {
                return Arrays.stream(one).skip(1).sum();
            }
        }

        /**
         * The fresh-connection figures as JSON fields (each starting with a comma): ours alone, or,
         * with {@code compare} set, ours and the other runtime's taken in turn, with crictl version
         * against both the same way, under "compare" after {@code theirPods} (that runtime's
         * {@link CrictlFigures#json}, when it ran the cycle too).
         */
        private String connections(@Nullable String compare, String theirPods) throws Exception {
            Path ours = node.daemon().socket();
            Path theirs = compare == null || compare.isBlank() ? null
                    : Path.of(compare.startsWith("unix://") ? compare.substring("unix://".length()) : compare);
            double[] fresh = new double[FRESH_CONNECTIONS];
            double[] freshTheirs = new double[FRESH_CONNECTIONS];
            for (int i = 0; i < FRESH_CONNECTIONS; i++) {
                fresh[i] = FreshConnectionVersion.call(ours).nanos() / 1e6;
                if (theirs != null) {
                    freshTheirs[i] = FreshConnectionVersion.call(theirs).nanos() / 1e6;
                }
            }
            if (theirs == null) {
                return String.format(Locale.ROOT, ",\"fresh_connection_version_ms\":%.3f", median(fresh));
            }
            var version = FreshConnectionVersion.call(theirs).response();
            double[] crictlOurs = new double[CRICTL_VERSION_PAIRS];
            double[] crictlTheirs = new double[CRICTL_VERSION_PAIRS];
            for (int i = 0; i < CRICTL_VERSION_PAIRS; i++) {
                crictlOurs[i] = crictlVersion("unix://" + ours);
                crictlTheirs[i] = crictlVersion("unix://" + theirs);
            }
            return String.format(Locale.ROOT, ",\"fresh_connection_version_ms\":%.3f,\"compare\":{\"runtime\":%s,\"runtime_version\":%s%s,"
                            + "\"fresh_connection_version_ms\":%.3f,\"fresh_connection_ratio\":%.2f,"
                            + "\"crictl_version_ms\":%.1f,\"crictl_version_ours_ms\":%.1f,\"crictl_version_ratio\":%.3f}",
                    median(fresh), JSON.writeValueAsString(version.getRuntimeName()),
                    JSON.writeValueAsString(version.getRuntimeVersion()), theirPods, median(freshTheirs), median(fresh) / median(freshTheirs),
                    median(crictlTheirs), median(crictlOurs), median(crictlOurs) / median(crictlTheirs));
        }

        /**
         * The first {@value #FIRST_VERSIONS} {@code crictl version}s each runtime serves, interleaved
         * (who goes first alternates), once both have been up {@code SETTLE}: what an operator's
         * first commands after a restart cost, before any of the daemon's code has been warmed by use.
         */
        private String firstVersions(Target ours, @Nullable Target theirs) throws IOException, InterruptedException {
            Thread.sleep(SETTLE.toMillis());
            double[] mine = new double[FIRST_VERSIONS];
            double[] other = new double[FIRST_VERSIONS];
            for (int i = 0; i < FIRST_VERSIONS; i++) {
                if (theirs != null && i % 2 == 1) {
                    other[i] = crictlVersion(theirs.endpoint());
                }
                mine[i] = crictlVersion(ours.endpoint());
                if (theirs != null && i % 2 == 0) {
                    other[i] = crictlVersion(theirs.endpoint());
                }
            }
            if (theirs == null) {
                return String.format(Locale.ROOT, ",\"first_crictl_versions\":{\"count\":%d,\"ms\":%.1f}", FIRST_VERSIONS, median(mine));
            }
            return String.format(Locale.ROOT, ",\"first_crictl_versions\":{\"count\":%d,\"ms\":%.1f,\"compare_ms\":%.1f,\"ratio\":%.3f}",
                    FIRST_VERSIONS, median(mine), median(other), median(mine) / median(other));
        }

        private double crictlVersion(String socketEndpoint) throws IOException, InterruptedException {
            long t0 = System.nanoTime();
            run(List.of(crictl.toString(), "--config", work.resolve("crictl.yaml").toString(), "--runtime-endpoint", socketEndpoint,
                    "version"));
            return lap(t0);
        }

        /** A runtime the crictl figures are taken against: gantryd, or the one compared with it. */
        private record Target(String endpoint, long pid, String podPrefix) {}

        /** One cycle through crictl: the time of each step in {@link #STEPS} order, in ms. */
        private double[] cycle(Target target, String name) throws IOException, InterruptedException {
            Path pod = podJson(target.podPrefix() + name);
            Path ctr = containerJson();
            Steps steps = new Steps(target.endpoint());
            steps.time("version");
            String podId = steps.time("runp", pod.toString());
            String id = steps.time("create", podId, ctr.toString(), pod.toString());
            steps.time("start", id);
            steps.time("stop", id);
            steps.time("rm", id);
            steps.time("stopp", podId);
            steps.time("rmp", podId);
            return steps.ms;
        }

        /** The steps of one cycle, each a crictl command named as in {@link #STEPS}, timed in order. */
        private final class Steps {
            final double[] ms = new double[STEPS.size()];
            private final String endpoint;
            private int next;

            Steps(String endpoint) {
                this.endpoint = endpoint;
            }

            /** Runs {@code crictl verb args}, records its time under the next step, and returns its stdout. */
            String time(String verb, String... args) throws IOException, InterruptedException {
                if (!STEPS.get(next).equals(verb)) {
                    throw new IllegalStateException("step " + next + " is " + STEPS.get(next) + ", not " + verb);
                }
                List<String> command = new ArrayList<>(List.of(verb));
                command.addAll(List.of(args));
                long t0 = System.nanoTime();
                String out = crictlAt(endpoint, command.toArray(String[]::new));
                ms[next++] = lap(t0);
                return out;
            }
        }

        /** {@code crictl --version}: crictl's start-up without a connection, in ms. */
        private double crictlNoop() throws IOException, InterruptedException {
            long t0 = System.nanoTime();
            run(List.of(crictl.toString(), "--version"));
            return lap(t0);
        }

        /** The floors by hand: the plugins and runc as the daemon runs them, crictl only as its start-up. */
        private final class Floors {
            private final CniChainBaseline chain;
            private final RuncBaseline runc;

            Floors(CniChainBaseline chain, RuncBaseline runc) {
                this.chain = chain;
                this.runc = runc;
            }

            /** One pod's cycle by hand: the milliseconds of each step in {@link #FLOOR_STEPS} order. */
            double[] cycle(String name) throws IOException {
                CniChainBaseline.Attached pod = chain.add(name);
                try {
                    RuncBaseline.Sample container = runc.cycle(name, pod.netnsPath()); // a container a failed step left goes at runc's close
                    double del = chain.del(pod);
                    return new double[] {pod.netnsMillis(), pod.addMillis(), container.createMillis(), container.startMillis(),
                        container.killMillis(), container.deleteMillis(), del};
                } finally {
                    HostCommands.quietly("ip", "netns", "del", pod.netns());
                }
            }

            /**
             * Wall time of {@value #CONCURRENT_PODS} pods made at once by hand, each three crictl
             * start-ups, a netns with the ADD chain, and runc create and start; torn down untimed.
             */
            Burst concurrentPods(int round) throws Exception {
                List<CniChainBaseline.Attached> made = new CopyOnWriteArrayList<>();
                List<Future<?>> started = new ArrayList<>();
                try {
                    Burst.Timer timer = Burst.start(node.daemon().pid());
                    try (ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_PODS)) {
                        for (int i = 0; i < CONCURRENT_PODS; i++) {
                            String name = "gtfloor-b" + round + "-" + i;
                            started.add(pool.submit(() -> {
                                for (int c = 0; c < CRICTL_PER_POD; c++) {
                                    crictlNoop();
                                }
                                CniChainBaseline.Attached pod = chain.add(name);
                                made.add(pod);
                                runc.createAndStart(name, pod.netnsPath());
                                return null;
                            }));
                        }
                    }
                    Burst burst = timer.stop();
                    for (Future<?> f : started) {
                        f.get(); // a failed pod fails the round
                    }
                    return burst;
                } finally {
                    for (CniChainBaseline.Attached pod : made) {
                        runc.discard(pod.netns());
                        try {
                            chain.del(pod);
                        } catch (IOException | RuntimeException e) {
                            System.err.println("floor: CNI DEL of " + pod.netns() + ": " + e.getMessage()); // the network's close drops its rules
                        }
                        HostCommands.quietly("ip", "netns", "del", pod.netns());
                    }
                }
            }
        }

        /** Wall time of {@value #CONCURRENT_PODS} pods started at once, each runp, create and start by crictl. */
        private Burst concurrentPods(Target target, int round) throws Exception {
            List<Path> pods = new ArrayList<>();
            for (int i = 0; i < CONCURRENT_PODS; i++) {
                pods.add(podJson(target.podPrefix() + "burst-" + round + "-" + i));
            }
            Path ctr = containerJson();
            String at = target.endpoint();
            List<Future<String>> started = new ArrayList<>();
            Burst.Timer timer = Burst.start(target.pid());
            try (ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT_PODS)) {
                for (Path pod : pods) {
                    started.add(pool.submit(() -> {
                        String podId = crictlAt(at, "runp", pod.toString());
                        String id = crictlAt(at, "create", podId, ctr.toString(), pod.toString());
                        crictlAt(at, "start", id);
                        return podId;
                    }));
                }
            }
            Burst burst = timer.stop();
            for (Future<String> f : started) {
                String podId = f.get();
                crictlAt(at, "stopp", podId);
                crictlAt(at, "rmp", podId);
            }
            return burst;
        }

        /** The same seven pod steps over this JVM's one connection, each timed: what the daemon costs without crictl. */
        private double[] grpcCycle(String name) {
            CriClient client = node.client();
            var rt = client.runtime();
            PodSandboxConfig pod = node.pod(name).build();
            ContainerConfig config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "3600").build();
            double[] laps = new double[GRPC_STEPS.size()];
            String podId = timed(laps, 0, () -> rt.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())).getPodSandboxId();
            String id = timed(laps, 1, () -> rt.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                    .setConfig(config).setSandboxConfig(pod).build())).getContainerId();
            timed(laps, 2, () -> rt.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build()));
            timed(laps, 3, () -> rt.stopContainer(StopContainerRequest.newBuilder().setContainerId(id).build()));
            timed(laps, 4, () -> rt.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build()));
            timed(laps, 5, () -> rt.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build()));
            timed(laps, 6, () -> rt.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build()));
            return laps;
        }

        private Path podJson(String name) throws IOException {
            PodSandboxConfig pod = node.pod(name).build();
            Map<String, Object> json = Map.of(
                    "metadata", Map.of("name", name, "namespace", pod.getMetadata().getNamespace(), "uid", pod.getMetadata().getUid(),
                            "attempt", 0),
                    "hostname", name,
                    "log_directory", pod.getLogDirectory(),
                    "linux", Map.of("cgroup_parent", pod.getLinux().getCgroupParent()));
            Path file = work.resolve(name + "-pod.json");
            JSON.writeValue(file.toFile(), json);
            return file;
        }

        private Path containerJson() throws IOException {
            Map<String, Object> json = Map.of(
                    "metadata", Map.of("name", "main"),
                    "image", Map.of("image", node.image()),
                    "command", List.of("sleep", "3600"),
                    "log_path", "main.log");
            Path file = work.resolve("ctr.json");
            JSON.writeValue(file.toFile(), json);
            return file;
        }

        /** Runs crictl against the runtime at {@code at} and returns its stdout, stripped; fails on a non-zero exit. */
        private String crictlAt(String at, String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(crictl.toString(), "--config", work.resolve("crictl.yaml").toString(),
                    "--runtime-endpoint", at, "--image-endpoint", at, "--timeout", "60s"));
            command.addAll(List.of(args));
            return run(command);
        }
    }

    /** Pods started at once: the wall time, the CPU time the whole machine spent meanwhile, and gantryd's share of it. */
    private record Burst(double wallMillis, double machineCpuMillis, double daemonCpuMillis) {

        /** Taken at the start of a burst. */
        record Timer(long daemonPid, long nanos, long machineTicks, long daemonTicks) {

            Burst stop() throws IOException {
                double wall = lap(nanos);
                return new Burst(wall, (StartupBenchmark.machineCpuTicks() - machineTicks) * 10.0,
                        (StartupBenchmark.cpuTicks(daemonPid) - daemonTicks) * 10.0); // ticks of 10 ms
            }
        }

        static Timer start(long daemonPid) throws IOException {
            return new Timer(daemonPid, System.nanoTime(), StartupBenchmark.machineCpuTicks(), StartupBenchmark.cpuTicks(daemonPid));
        }

        static double median(List<Burst> bursts, ToDoubleFunction<Burst> figure) {
            return CycleBenchmark.median(bursts.stream().mapToDouble(figure).toArray());
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        // crictl's stdout is an id or a few lines and its stderr a warning at most: neither fills a pipe
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + err + " " + out);
        }
        return out;
    }

    /** Runs {@code call}, records its milliseconds in {@code laps[step]} and returns its answer. */
    private static <T> T timed(double[] laps, int step, Supplier<T> call) {
        long t0 = System.nanoTime();
        T answer = call.get();
        laps[step] = lap(t0);
        return answer;
    }

    /** One array of {@code iterations} samples per step, in the steps' order. */
    private static Map<String, double[]> perStep(List<String> names, int iterations) {
        Map<String, double[]> byStep = new LinkedHashMap<>();
        names.forEach(name -> byStep.put(name, new double[iterations]));
        return byStep;
    }

    /** Puts iteration {@code i}'s sample of every step ({@code sample}, in the steps' order) in place. */
    private static void store(Map<String, double[]> byStep, int i, double[] sample) {
        int s = 0;
        for (double[] values : byStep.values()) {
            values[i] = sample[s++];
        }
    }

    /** Appends {@code ,"<prefix><step>_ms":<median>} for every step. */
    private static void appendMedians(StringBuilder json, String prefix, Map<String, double[]> byStep) {
        byStep.forEach((name, values) -> json.append(String.format(Locale.ROOT, ",\"%s%s_ms\":%.1f", prefix, name, median(values))));
    }

    private static double lap(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double[] sum(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
