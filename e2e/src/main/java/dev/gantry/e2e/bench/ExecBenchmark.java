package dev.gantry.e2e.bench;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.CreateContainerRequest;
import dev.gantry.cri.v1.ExecSyncRequest;
import dev.gantry.cri.v1.ExecSyncResponse;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.ListContainersRequest;
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
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.fixtures.PodConfigs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * ExecSync of {@code true} in one running container, {@link #CALLS} times, against the floor: the
 * same number of {@code runc --root <gantry's runc root> exec <id> true} run by hand (spawned from
 * this JVM, waited for) on the same container. Prints one JSON line. Root, real runc and conmon; the
 * pod uses the node's network, so no CNI is involved.
 */
public final class ExecBenchmark {

    private static final int WARM_UP = 30;
    private static final int CLIENT_WARM_UP_CALLS = 3000;

    /** The summary printed as JSON. */
    public record Result(int calls, Stats execSyncMs, Stats runcExecMs) {
        public String toJson() {
            return String.format(Locale.ROOT,
                    "{\"benchmark\":\"exec\",\"calls\":%d,\"java\":\"%s\",\"exec_sync_true_ms\":%s,\"runc_exec_true_ms\":%s,"
                            + "\"p50_ratio\":%.2f,\"p99_ratio\":%.2f}",
                    calls, System.getProperty("java.version"), execSyncMs.toJson(), runcExecMs.toJson(),
                    execSyncMs.p50() / runcExecMs.p50(), execSyncMs.p99() / runcExecMs.p99());
        }
    }

    private ExecBenchmark() {}

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        System.out.println(measure(calls).toJson());
    }

    public static Result measure(int calls) throws Exception {
        return BenchNode.named("exec").run(node -> run(node, calls));
    }

    private static Result run(BenchNode.Node node, int calls) throws IOException, InterruptedException {
        CriClient client = node.client();
        String image = node.image();
        var rt = client.runtime();
        client.images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
        for (int i = 0; i < CLIENT_WARM_UP_CALLS; i++) {
            rt.listContainers(ListContainersRequest.getDefaultInstance());
        }
        PodSandboxConfig pod = PodConfigs.withNamespaces(node.pod("exec"), NamespaceMode.NODE, NamespaceMode.CONTAINER,
                NamespaceMode.POD).build();
        String podId = rt.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
        ContainerConfig config = ContainerConfigs.named(pod, "main", image, "sleep", "100000").build();
        String id = rt.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId).setConfig(config).setSandboxConfig(pod).build())
                .getContainerId();
        rt.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        BenchNode.awaitRunning(node.client(), id, Duration.ofMillis(5));
        ExecSyncRequest request = ExecSyncRequest.newBuilder().setContainerId(id).addCmd("true").setTimeout(30).build();
        String runcRoot = node.daemon().state().resolve("runc").resolve("runc").toString();
        List<String> byHand = List.of("runc", "--root", runcRoot, "exec", id, "true");
        for (int i = 0; i < WARM_UP; i++) {
            check(rt.execSync(request));
            runc(byHand);
        }
        // Interleaved, so both see the same machine load (the host is shared).
        double[] execSync = new double[calls];
        double[] runcExec = new double[calls];
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            check(rt.execSync(request));
            long t1 = System.nanoTime();
            runc(byHand);
            long t2 = System.nanoTime();
            execSync[i] = (t1 - t0) / 1e6;
            runcExec[i] = (t2 - t1) / 1e6;
        }
        rt.stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(0).build());
        rt.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
        rt.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        rt.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
        return new Result(calls, Stats.of(execSync), Stats.of(runcExec));
    }

    private static void check(ExecSyncResponse response) {
        if (response.getExitCode() != 0) {
            throw new IllegalStateException("ExecSync true exited " + response.getExitCode() + ": " + response.getStderr().toStringUtf8());
        }
    }

    private static void runc(List<String> argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        int code = p.waitFor();
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " exited " + code);
        }
    }
}
