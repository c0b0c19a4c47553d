package dev.gantry.e2e.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.CreateContainerResponse;
import dev.gantry.cri.v1.ListContainersRequest;
import dev.gantry.cri.v1.ListPodSandboxRequest;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.RemoveContainerRequest;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.RunPodSandboxResponse;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.StopContainerRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.containers.ContainerCalls;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.harness.TestNode;
import dev.gantry.e2e.sandbox.Leftovers;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A bounded fuzz run over every RPC of RuntimeService and ImageService (issue 14): {@value #REQUESTS}
 * mutated requests (see {@link Mutator}) and unparseable bytes from {@value #THREADS} threads against
 * one daemon with one running pod and container. Every answer must carry a code allowed for its RPC
 * ({@link FuzzTargets}), never UNKNOWN unless the bytes did not parse, never INTERNAL, and never a
 * Java class name in its message; afterwards the daemon answers Version and Status, and what the
 * fuzzed calls created is gone: no pod or container listed but the fixtures, no mount, pinned
 * namespace or IPAM reservation left. A failure names the seed; replay it with
 * {@code -Dgantry.fuzz.seed=<seed>}.
 */
class CriFuzzIT {

    static final int REQUESTS = 20_000;
    static final int THREADS = 4;
    /** One request in this many is bytes rather than a message. */
    private static final int GARBAGE_ONE_IN = 20;
    private static final int MAX_REQUEST_BYTES = 4 << 20;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** GetContainerEvents never ends by itself: our deadline ends it. */
    private static final Duration EVENTS_DEADLINE = Duration.ofMillis(200);

    static final Pattern CLASS_NAME = Pattern.compile(
            "\\b(java|javax|jdk|sun|io\\.grpc|io\\.netty|dev\\.gantry|com\\.fasterxml|com\\.google)\\.[\\w.$]+|\\b\\w+(Exception|Error)\\b");

    @RegisterExtension
    final TestNode node = TestNode.containers();

    private final Map<String, LongAdder> tally = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final Set<String> createdPods = ConcurrentHashMap.newKeySet();

    @Test
    void fuzz_everyRpc_onlyAllowedCodesNoClassNamesNothingLeft() throws Exception {
        long seed = Long.getLong("gantry.fuzz.seed", 14L);
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("fuzz").build();
        String podId = node.runPod(pod);
        ContainerConfig main = ContainerConfigs.named(pod, "main", node.image(), "sleep", "3600").build();
        String containerId = calls.run(podId, main, pod);
        String image = node.image();
        FuzzTargets targets = new FuzzTargets(new FuzzTargets.Fixture(podId, pod, containerId, image,
                image.substring(0, image.indexOf('/')), name -> node.pod(name).build()));
        List<FuzzTargets.Target> all = FuzzTargets.all(unimplemented(targets));
        List<String> mountsBefore = node.mountsUnderState();

        long start = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(threads.submit(() -> fuzz(targets, all, seed, thread)));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        System.out.printf("CriFuzzIT: %d requests from %d threads in %d ms, seed %d%n", REQUESTS, THREADS,
                Duration.ofNanos(System.nanoTime() - start).toMillis(), seed);
        System.out.println("CriFuzzIT: answers by RPC and code: " + new TreeMap<>(tally));

        assertThat(failures).as("fuzz failures (seed %d; replay with -Dgantry.fuzz.seed=%d)", seed, seed).isEmpty();
        CriClient client = node.client();
        assertThat(client.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName()).isNotEmpty();
        assertThat(client.runtime().status(StatusRequest.getDefaultInstance()).hasStatus()).isTrue();
        assertThat(client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
                .as("pods after the fuzz run (seed %d)", seed).extracting(p -> p.getId()).containsExactly(podId);
        assertThat(client.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
                .as("containers after the fuzz run (seed %d)", seed).extracting(c -> c.getId()).containsExactly(containerId);
        List<String> left = new ArrayList<>();
        for (String id : createdPods) {
            left.addAll(Leftovers.mounts(id));
            left.addAll(Leftovers.pinned(id, node.daemon().state()));
        }
        assertThat(left).as("what fuzzed pods left (seed %d)", seed).isEmpty();
        assertThat(node.mountsUnderState()).as("mounts under the state dir (seed %d)", seed).isEqualTo(mountsBefore);

        client.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(containerId).build());
        client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build());
        client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        assertThat(node.network().reservations()).as("IPAM reservations once every pod is gone (seed %d)", seed).isEmpty();
        assertThat(Leftovers.pinned(podId, node.daemon().state())).isEmpty();
    }

    /** RPCs whose valid request answers UNIMPLEMENTED: for them that is the only right answer. */
    private Set<String> unimplemented(FuzzTargets targets) {
        Set<String> names = new HashSet<>();
        for (FuzzTargets.Target target : FuzzTargets.all(Set.of())) {
            if (target.name().equals("RunPodSandbox") || target.name().equals("CreateContainer")) {
                continue;
            }
            RawCalls.Outcome outcome = send(target, targets.seed(target, "probe").toByteArray());
            if (outcome.code() == Status.Code.UNIMPLEMENTED) {
                names.add(target.name());
            }
        }
        return names;
    }

    private void fuzz(FuzzTargets targets, List<FuzzTargets.Target> all, long seed, int thread) {
        Random random = new Random(seed * 31 + thread);
        Mutator mutator = new Mutator(random);
        int total = all.stream().mapToInt(FuzzTargets.Target::weight).sum();
        for (int i = thread; i < REQUESTS; i += THREADS) {
            FuzzTargets.Target target = pick(all, random.nextInt(total));
            String serial = "fz" + thread + "-" + i;
            Message seedRequest = targets.seed(target, serial);
            boolean garbage = random.nextInt(GARBAGE_ONE_IN) == 0;
            byte[] bytes;
            Message request = null;
            if (garbage) {
                bytes = mutator.garbage(seedRequest.toByteArray());
            } else {
                request = mutator.mutate(seedRequest);
                for (int tries = 0; request.getSerializedSize() > MAX_REQUEST_BYTES && tries < 5; tries++) {
                    request = mutator.mutate(seedRequest);
                }
                if (request.getSerializedSize() > MAX_REQUEST_BYTES) {
                    request = seedRequest;
                }
                request = targets.confine(target, request);
                bytes = request.toByteArray();
            }
            boolean parses = parses(target, bytes);
            RawCalls.Outcome outcome = send(target, bytes);
            tally.computeIfAbsent(target.name() + " " + outcome.code(), k -> new LongAdder()).increment();
            String problem = judge(target, outcome, parses);
            if (problem != null) {
                failures.add("request " + i + " (seed " + seed + ", thread " + thread + ") " + target.name() + ": " + problem
                        + "; request: " + describe(request, bytes));
            }
            if (outcome.code() == Status.Code.OK) {
                undo(target, outcome);
            }
        }
    }

    private static FuzzTargets.Target pick(List<FuzzTargets.Target> all, int ticket) {
        for (FuzzTargets.Target target : all) {
            ticket -= target.weight();
            if (ticket < 0) {
                return target;
            }
        }
        throw new IllegalStateException("ticket beyond the weights");
    }

    private RawCalls.Outcome send(FuzzTargets.Target target, byte[] bytes) {
        MethodDescriptor<byte[], byte[]> raw = RawCalls.raw(target.method());
        Duration deadline = target.name().equals("GetContainerEvents") ? EVENTS_DEADLINE : DEADLINE;
        return RawCalls.call(node.client().channel(), raw, bytes, deadline);
    }

    private static boolean parses(FuzzTargets.Target target, byte[] bytes) {
        try {
            target.prototype().getParserForType().parseFrom(bytes);
            return true;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    /** What is wrong with {@code outcome}, or null. */
    private static String judge(FuzzTargets.Target target, RawCalls.Outcome outcome, boolean parses) {
        if (CLASS_NAME.matcher(outcome.message()).find()) {
            return "a class name in " + outcome.code() + " " + shorten(outcome.message());
        }
        if (!parses) {
            // grpc-java refuses bytes that do not parse before any code of ours runs
            return Set.of(Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.INVALID_ARGUMENT, Status.Code.CANCELLED)
                    .contains(outcome.code()) ? null : "unparseable bytes answered " + outcome.code() + " " + shorten(outcome.message());
        }
        if (!target.allowed().contains(outcome.code())) {
            return "answered " + outcome.code() + " " + shorten(outcome.message());
        }
        return null;
    }

    /** Tears down what an accepted request made, so the run leaves nothing and the next ones stay cheap. */
    private void undo(FuzzTargets.Target target, RawCalls.Outcome outcome) {
        CriClient client = node.client();
        try {
            switch (target.name()) {
                case "RunPodSandbox" -> {
                    String id = RunPodSandboxResponse.parseFrom(outcome.response()).getPodSandboxId();
                    createdPods.add(id);
                    client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
                    client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
                }
                case "CreateContainer" -> {
                    String id = CreateContainerResponse.parseFrom(outcome.response()).getContainerId();
                    client.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
                }
                default -> { }
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            failures.add("undo " + target.name() + ": " + e);
        }
    }

    private static String describe(Message request, byte[] bytes) {
        if (request == null) {
            return bytes.length + " bytes " + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64));
        }
        return shorten(TextFormat.printer().emittingSingleLine(true).printToString(request));
    }

    private static String shorten(String s) {
        return s.length() <= 600 ? s : s.substring(0, 600) + "…(" + s.length() + " chars)";
    }
}
