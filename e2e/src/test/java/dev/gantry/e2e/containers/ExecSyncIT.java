package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.ExecSyncResponse;
import dev.gantry.cri.v1.Int64Value;
import dev.gantry.cri.v1.KeyValue;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ExecSync over the socket, as exec probes and critest use it. */
class ExecSyncIT {

    @RegisterExtension
    final TestNode node = TestNode.containers();

    private ContainerCalls calls;

    /** A running {@code sleep} container in a fresh pod. */
    private String running(String name, ContainerConfig.Builder config, PodSandboxConfig pod) {
        String id = calls.run(node.runPod(pod), config.build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        return id;
    }

    private String sleeper(String name) {
        calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod(name).build();
        return running(name, ContainerConfigs.named(pod, "main", node.image(), "sleep", "100000"), pod);
    }

    @Test
    void execSync_echo_returnsStdout() {
        String id = sleeper("echo");

        ExecSyncResponse r = calls.execSync(id, 30, "echo", "hello");

        assertThat(r.getStdout().toStringUtf8()).isEqualTo("hello\n");
        assertThat(r.getStderr().toStringUtf8()).isEmpty();
        assertThat(r.getExitCode()).isZero();
    }

    @Test
    void execSync_idPrefix_exitCode3_withStderr() {
        String id = sleeper("exit3");

        ExecSyncResponse r = calls.execSync(id.substring(0, 12), 0, "sh", "-c", "echo out; echo bad >&2; exit 3");

        assertThat(r.getExitCode()).isEqualTo(3);
        assertThat(r.getStdout().toStringUtf8()).isEqualTo("out\n");
        assertThat(r.getStderr().toStringUtf8()).isEqualTo("bad\n");
    }

    @Test
    void execSync_timeout_deadlineExceeded_andTheProcessIsGone() {
        String id = sleeper("timeout");

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> calls.execSync(id, 1, "sleep", "4321"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(e.getStatus().getDescription()).contains("timed out");
        // critest's "execSync with timeout" looks right after, with pgrep; busybox ps lists zombies too
        ExecSyncResponse ps = calls.execSync(id, 30, "sh", "-c", "ps | grep 'sleep 432[1]' || true");
        assertThat(ps.getStdout().toStringUtf8()).isEmpty();
    }

    @Test
    void execSync_runsAsTheContainerUser_withItsEnvAndCwd() {
        calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("user").build();
        ContainerConfig.Builder config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "100000")
                .addEnvs(KeyValue.newBuilder().setKey("GREETING").setValue("hello there"))
                .setWorkingDir("/bin");
        config.getLinuxBuilder().getSecurityContextBuilder().setRunAsUser(Int64Value.newBuilder().setValue(1000));
        String id = running("user", config, pod);

        ExecSyncResponse r = calls.execSync(id, 30, "sh", "-c", "echo \"$(id -u):$(id -g) $GREETING $(pwd)\"");

        assertThat(r.getStdout().toStringUtf8()).isEqualTo("1000:1000 hello there /bin\n");
    }

    @Test
    void execSync_unknownContainer_notFound() {
        calls = new ContainerCalls(node.start());

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> calls.execSync("f00dfeed", 10, "true"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void execSync_exitedContainer_failedPrecondition() {
        calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("exited").build();
        String id = calls.run(node.runPod(pod), ContainerConfigs.named(pod, "main", node.image(), "true").build(), pod);
        calls.awaitExit(id);

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> calls.execSync(id, 10, "true"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains(id);
    }

    @Test
    void execSync_emptyCmd_invalidArgument() {
        String id = sleeper("empty");

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> calls.execSync(id, 10));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void execSync_outputOverTheCap_resourceExhausted() {
        String id = sleeper("flood");

        // 20 MiB, over the default 16 MiB exec_sync_max_output
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> calls.execSync(id, 60, "dd", "if=/dev/zero", "bs=1048576", "count=20"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(e.getStatus().getDescription()).contains("exec_sync_max_output");
        assertThat(calls.execSync(id, 30, "sh", "-c", "ps | grep 'd[d] if' || true").getStdout().toStringUtf8()).isEmpty();
    }

    @Test
    void containerStatus_whileAnExecRuns_isUnchanged() throws Exception {
        String id = sleeper("status");
        ContainerStatus before = calls.status(id);

        CompletableFuture<ExecSyncResponse> exec = CompletableFuture.supplyAsync(() -> calls.execSync(id, 30, "sh", "-c", "sleep 2; echo done"));
        ContainerStatus during = calls.status(id);
        ExecSyncResponse done = exec.get(60, TimeUnit.SECONDS);
        ContainerStatus after = calls.status(id);

        assertThat(done.getStdout().toStringUtf8()).isEqualTo("done\n");
        assertThat(during).isEqualTo(before);
        assertThat(after).isEqualTo(before);
        assertThat(calls.list()).hasSize(1);
    }
}
