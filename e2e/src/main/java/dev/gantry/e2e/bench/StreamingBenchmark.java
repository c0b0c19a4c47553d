package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.NamespaceMode;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.RemovePodSandboxRequest;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.cri.v1.StartContainerRequest;
import dev.gantry.cri.v1.StopPodSandboxRequest;
import dev.gantry.e2e.bench.StartupBenchmark.Stats;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.client.ExecOptions;
import dev.gantry.e2e.client.ExitStatus;
import dev.gantry.e2e.client.StreamClient;
import dev.gantry.e2e.client.StreamSession;
import dev.gantry.e2e.client.Transport;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Exec and PortForward through a real gantryd's streaming server, with the e2e
 * {@link StreamClient} (SPDY/3.1, as kubectl through the kubelet). Prints one JSON line; nothing
 * passes or fails on the numbers, but every exit code and byte count is checked, so a broken
 * server fails the benchmark instead of flattering it.
 *
 * <pre>
 * exec_true_ms, exec_echo_ms   N execs each (default 100) of {@code true} and {@code echo hello}: the Exec RPC, the
 *                              upgrade, the streams, output read, exit status received; after 20 of each as warm-up
 * portforward_*_mib_s          256 MiB each way through one forwarded connection of a host-network pod to a source and
 *                              a sink on the node's loopback (see {@link PortForwardThroughput}), with the e2e client
 *                              and, where crictl is found, with crictl (client-go); target ≥ 500 MiB/s; after a
 *                              32 MiB warm-up
 * concurrent_exec_ms           20 exec sessions at once, session i runs {@code exit i}: wall time until all statuses
 *                              are in; concurrent_exit_codes_ok says every session got its own code
 * </pre>
 *
 * <p>Usage: {@code StreamingBenchmark [execs]}.
 */
public final class StreamingBenchmark {

    static final int WARM_UP = 20;
    static final int CONCURRENT = 20;
    static final long FORWARD_BYTES = 256L * 1024 * 1024;
    static final long FORWARD_WARM_UP_BYTES = 32L * 1024 * 1024;
    private static final Duration STATUS_WAIT = Duration.ofSeconds(60);

    /** The summary printed as JSON. */
    public record Result(int execs, Stats execTrueMs, Stats execEchoMs, PortForwardThroughput.Rates forward,
                         Optional<PortForwardThroughput.Rates> crictlForward, double concurrentMs, boolean concurrentOk) {

        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"benchmark\":\"streaming\",\"transport\":\"spdy\",\"execs\":%d,\"java\":\"%s\","
                            + "\"exec_true_ms\":%s,\"exec_echo_ms\":%s,"
                            + "\"portforward_mib\":%d,\"portforward_download_mib_s\":%.1f,\"portforward_upload_mib_s\":%.1f,"
                            + "\"crictl_portforward_download_mib_s\":%s,\"crictl_portforward_upload_mib_s\":%s,\"portforward_target_mib_s\":500,"
                            + "\"concurrent_sessions\":%d,\"concurrent_exec_ms\":%.1f,\"concurrent_exit_codes_ok\":%b}",
                    execs, System.getProperty("java.version"), execTrueMs.toJson(), execEchoMs.toJson(),
                    FORWARD_BYTES >> 20, forward.download(), forward.upload(),
                    crictlForward.map(r -> String.format(Locale.ROOT, "%.1f", r.download())).orElse("null"),
                    crictlForward.map(r -> String.format(Locale.ROOT, "%.1f", r.upload())).orElse("null"),
                    CONCURRENT, concurrentMs, concurrentOk);
        }
    }

    private StreamingBenchmark() {}

    public static void main(String[] args) throws Exception {
        int execs = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        System.out.println(measure(execs).toJson());
    }

    public static Result measure(int execs) throws Exception {
        if (execs < 1) {
            throw new IllegalArgumentException("execs must be at least 1, got " + execs);
        }
        return BenchNode.named("stream").network("gtbench4", "10.213.56.0/24").run(node -> {
            try (StreamClient streams = StreamClient.create()) {
                return new Run(node, node.client(), streams).measure(execs);
            }
        });
    }

    /** One benchmark run against a started node. */
    private record Run(BenchNode.Node node, CriClient client, StreamClient streams) {

        Result measure(int execs) throws Exception {
            client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(node.image())).build());
            PodSandboxConfig pod = node.pod("stream-bench").build();
            String podId = client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
            try {
                String main = run(podId, pod, "main", "sleep", "100000");

                for (int i = 0; i < WARM_UP; i++) {
                    exec(main, "true");
                    exec(main, "echo", "hello");
                }
                double[] execTrue = new double[execs];
                double[] execEcho = new double[execs];
                for (int i = 0; i < execs; i++) {
                    long t0 = System.nanoTime();
                    exec(main, "true");
                    long t1 = System.nanoTime();
                    exec(main, "echo", "hello");
                    long t2 = System.nanoTime();
                    execTrue[i] = (t1 - t0) / 1e6;
                    execEcho[i] = (t2 - t1) / 1e6;
                }

                PortForwardThroughput.Rates forward;
                Optional<PortForwardThroughput.Rates> crictlForward;
                String hostPod = hostNetworkPod();
                try (PortForwardThroughput warmUp = new PortForwardThroughput(FORWARD_WARM_UP_BYTES);
                        PortForwardThroughput measured = new PortForwardThroughput(FORWARD_BYTES)) {
                    warmUp.withStreamClient(client, streams, hostPod);
                    warmUp.withCrictl(node.daemon().socket(), hostPod);
                    forward = measured.withStreamClient(client, streams, hostPod);
                    crictlForward = measured.withCrictl(node.daemon().socket(), hostPod);
                } finally {
                    client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(hostPod).build());
                    client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(hostPod).build());
                }

                long c0 = System.nanoTime();
                boolean concurrentOk = concurrent(main);
                double concurrentMs = (System.nanoTime() - c0) / 1e6;
                return new Result(execs, Stats.of(execTrue), Stats.of(execEcho), forward, crictlForward, concurrentMs, concurrentOk);
            } finally {
                client.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
                client.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
            }
        }


        /** One exec over SPDY with stdout and stderr; checks exit 0 and, for echo, the output. */
        private void exec(String containerId, String... command) throws Exception {
            ExecOptions options = ExecOptions.over(Transport.SPDY).withStdout().withStderr();
            try (StreamSession session = streams.exec(client.exec(containerId, options, command), options)) {
                String out = new String(Objects.requireNonNull(session.stdout()).readAllBytes(), StandardCharsets.UTF_8);
                ExitStatus status = session.awaitStatus(STATUS_WAIT);
                String expected = command[0].equals("echo") ? String.join(" ", List.of(command).subList(1, command.length)) + "\n" : "";
                if (!status.equals(new ExitStatus.Exited(0)) || !out.equals(expected)) {
                    throw new IllegalStateException("exec " + List.of(command) + ": " + status + ", stdout \"" + out + "\"");
                }
            }
        }




        /** A pod in the node's network namespace: its PortForward reaches the node's loopback. */
        private String hostNetworkPod() {
            PodSandboxConfig.Builder pod = node.pod("stream-bench-host");
            pod.getLinuxBuilder().getSecurityContextBuilder().getNamespaceOptionsBuilder().setNetwork(NamespaceMode.NODE);
            return client.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod.build()).build()).getPodSandboxId();
        }

        /** {@link #CONCURRENT} sessions at once, session i exiting with i; true if each got its own code. */
        private boolean concurrent(String containerId) throws Exception {
            ExecOptions options = ExecOptions.over(Transport.SPDY).withStdout();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<ExitStatus>> results = new ArrayList<>();
                for (int i = 0; i < CONCURRENT; i++) {
                    String script = "exit " + i;
                    results.add(pool.submit(() -> {
                        try (StreamSession session = streams.exec(client.exec(containerId, options, "sh", "-c", script), options)) {
                            Objects.requireNonNull(session.stdout()).readAllBytes();
                            return session.awaitStatus(STATUS_WAIT);
                        }
                    }));
                }
                boolean ok = true;
                for (int i = 0; i < CONCURRENT; i++) {
                    ok &= results.get(i).get().equals(new ExitStatus.Exited(i));
                }
                return ok;
            }
        }

        private String run(String podId, PodSandboxConfig pod, String name, String... command) throws InterruptedException {
            ContainerConfig config = ContainerConfigs.named(pod, name, node.image(), command).build();
            String id = client.runtime().createContainer(CreateContainerRequest.newBuilder()
                    .setPodSandboxId(podId).setConfig(config).setSandboxConfig(pod).build()).getContainerId();
            client.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
            BenchNode.awaitRunning(client, id, Duration.ofMillis(10));
            return id;
        }
    }
}
