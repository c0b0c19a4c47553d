package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Container logs in the CRI format at pod log directory + log path, ReopenContainerLog after a rotation, and log paths that escape. */
class ContainerLogsIT {

    @RegisterExtension
    final TestNode node = TestNode.containers();

    @Test
    void log_stdoutAndStderr_criFormatLines() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("logs").build();
        String podId = node.runPod(pod);
        ContainerConfig config = ContainerConfigs.shell(pod, "main", node.image(), "echo hello; echo oops >&2; echo 'two words'").build();

        String id = calls.run(podId, config, pod);
        ContainerStatus status = calls.awaitExit(id);

        Path file = ContainerConfigs.logFile(pod, config);
        assertThat(status.getLogPath()).isEqualTo(file.toString());
        CriLog log = CriLog.read(file);
        assertThat(log.texts("stdout")).containsExactly("hello", "two words");
        assertThat(log.texts("stderr")).containsExactly("oops");
        assertThat(log.lines()).allSatisfy(line -> assertThat(line.tag()).isEqualTo("F"));
        assertThat(CriLog.rawLines(file).getFirst()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d) stdout F hello");
        assertThat(log.lines().getFirst().time().toEpochMilli() * 1_000_000)
                .isBetween(status.getStartedAt() - 10_000_000_000L, status.getFinishedAt() + 10_000_000_000L);
    }

    @Test
    void reopenLog_afterRename_newLinesInNewFile() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("rotate").build();
        String podId = node.runPod(pod);
        ContainerConfig config = ContainerConfigs.shell(pod, "main", node.image(),
                "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done").build();
        String id = calls.run(podId, config, pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        Path file = ContainerConfigs.logFile(pod, config);
        Waits.until("two ticks in " + file, () -> CriLog.rawLines(file).size() >= 2);

        Path rotated = file.resolveSibling("0.log.1");
        Files.move(file, rotated);
        calls.reopenLog(id);
        Waits.until("two ticks in the reopened " + file, () -> CriLog.rawLines(file).size() >= 2);

        List<Integer> before = ticks(CriLog.read(rotated));
        List<Integer> after = ticks(CriLog.read(file));
        assertThat(before).isNotEmpty();
        assertThat(after.getFirst()).as("old %s, new %s", before, after).isGreaterThan(before.getLast());
        assertThat(calls.status(id).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
    }

    private static List<Integer> ticks(CriLog log) {
        return log.texts("stdout").stream().filter(t -> t.startsWith("tick ")).map(t -> Integer.parseInt(t.substring(5))).toList();
    }

    @Test
    void reopenLog_unknownId_notFound() {
        ContainerCalls calls = new ContainerCalls(node.start());

        StatusRuntimeException e = Refused.by(
                () -> calls.reopenLog("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void create_logPathEscapingLogDirectory_invalidArgument() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("escape").build();
        String podId = node.runPod(pod);
        ContainerConfig config = ContainerConfigs.shell(pod, "main", node.image(), "echo escaped")
                .setLogPath("../../escaped.log").build();
        Path outside = Path.of(pod.getLogDirectory()).resolve("../../escaped.log").normalize();

        StatusRuntimeException e = Refused.by(() -> calls.create(podId, config, pod));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("../../escaped.log");
        assertThat(calls.list()).isEmpty();
        assertThat(outside).doesNotExist();
    }
}
