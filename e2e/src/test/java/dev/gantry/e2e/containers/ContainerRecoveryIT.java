package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.Container;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.harness.TestNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Containers outlive a kill -9 of the daemon: conmon keeps them running, logging and reaped, and a
 * new daemon on the same dirs reports them as they are, including exits it did not witness.
 */
class ContainerRecoveryIT {

    /** Ticks into its log; on SIGTERM exits 42 (the trap runs after the current sleep), so the code proves who ended it. */
    private static final String TICKER = "trap 'exit 42' TERM; while true; do echo tick; sleep 0.2; done";

    @RegisterExtension
    final TestNode node = TestNode.containers();

    @Test
    void killDaemon_runningContainer_keepsRunningAndLoggingThenRecoveredRunning() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("survivor").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(), TICKER).build(), pod);
        ContainerStatus before = calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        long pid = calls.info(id).pid();
        Path log = Path.of(before.getLogPath());

        node.kill();
        int linesAtKill = CriLog.rawLines(log).size();
        Waits.until("log grows while the daemon is down", () -> CriLog.rawLines(log).size() >= linesAtKill + 5);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("container process").hasValue(true);
        ContainerCalls again = new ContainerCalls(node.restartStopped());

        ContainerStatus after = again.status(id);
        assertThat(after.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(after.getStartedAt()).isEqualTo(before.getStartedAt());
        assertThat(after.getCreatedAt()).isEqualTo(before.getCreatedAt());
        assertThat(again.info(id).pid()).isEqualTo(pid);
        assertThat(again.list()).extracting(Container::getId).containsExactly(id);

        again.stop(id, 10);

        ContainerStatus stopped = again.status(id);
        assertThat(stopped.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(stopped.getExitCode()).isEqualTo(42);
        assertThat(stopped.getReason()).isEqualTo("Error");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void killDaemon_containerExitsWhileDown_reportedExitedWithCode() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("exits-alone").build();
        String podId = node.runPod(pod);
        Path signal = node.tempDir();
        // waits for the host to create /signal/go, then exits 7
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(),
                        "while [ ! -e /signal/go ]; do sleep 0.2; done; echo leaving; exit 7")
                .addMounts(ContainerConfigs.bind(signal, "/signal", true)).build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        long pid = calls.info(id).pid();

        node.kill();
        Files.writeString(signal.resolve("go"), "");
        Waits.until("container process " + pid + " exits", () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        ContainerCalls again = new ContainerCalls(node.restartStopped());

        ContainerStatus status = again.await(id, s -> s.getState() == ContainerState.CONTAINER_EXITED, "EXITED after restart");
        assertThat(status.getExitCode()).isEqualTo(7);
        assertThat(status.getReason()).isEqualTo("Error");
        assertThat(status.getFinishedAt()).isGreaterThanOrEqualTo(status.getStartedAt()).isPositive();
        assertThat(CriLog.read(Path.of(status.getLogPath())).texts()).contains("leaving");
    }

    @Test
    void killDaemon_createdContainer_stillCreatedAndStartable() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("created").build();
        String podId = node.runPod(pod);
        String id = calls.create(podId, ContainerConfigs.shell(pod, "main", node.image(), "exit 4").build(), pod);

        node.kill();
        ContainerCalls again = new ContainerCalls(node.restartStopped());

        assertThat(again.status(id).getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
        again.start(id);
        ContainerStatus exited = again.awaitExit(id);
        assertThat(exited.getExitCode()).isEqualTo(4);
    }

    @Test
    void killDaemon_thenRemovePod_leavesNoContainerProcessOrMount() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("cleanup").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(), TICKER).build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        long pid = calls.info(id).pid();

        node.kill();
        ContainerCalls again = new ContainerCalls(node.restartStopped());
        again.stopPod(podId);
        again.removePod(podId);

        assertThat(again.list()).isEmpty();
        Waits.until("container process " + pid + " gone", () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(node.mountsUnderState()).noneMatch(m -> m.contains(id));
        assertThat(node.daemon().root().resolve("containers").resolve(id)).doesNotExist();
    }
}
