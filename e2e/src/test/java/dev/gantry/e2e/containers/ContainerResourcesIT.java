package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Resources reach the container's cgroup (this host: cgroup v1 hierarchies under /sys/fs/cgroup,
 * found through /proc/PID/cgroup of the container process), the memory limit ends in OOMKilled, and
 * UpdateContainerResources changes a running container's cgroup.
 */
class ContainerResourcesIT {

    private static final long MIB = 1024 * 1024;

    @RegisterExtension
    final TestNode node = TestNode.containers();

    /**
     * dd is the container's main process (exec): its 64 MiB buffer is what the OOM killer ends.
     * conmon also drops an "oom" marker file into its working directory; that must not be the
     * daemon's (here: this JVM's, which the daemon inherits).
     */
    @Test
    void memoryLimit_shellAllocatesBeyond_oomKilled() throws Exception {
        Path strayMarker = Path.of("oom").toAbsolutePath();
        boolean markerBefore = Files.exists(strayMarker);
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("oom").build();
        String podId = node.runPod(pod);
        ContainerConfig.Builder config = ContainerConfigs.shell(pod, "main", node.image(),
                "echo start; exec dd if=/dev/zero of=/dev/null bs=64M count=4");
        config.getLinuxBuilder().setResources(ContainerConfigs.memory(16 * MIB));

        String id = calls.run(podId, config.build(), pod);
        ContainerStatus status = calls.awaitExit(id);

        assertThat(status.getReason()).as("status %s", status).isEqualTo("OOMKilled");
        assertThat(status.getExitCode()).isEqualTo(137);
        assertThat(CriLog.read(Path.of(status.getLogPath())).texts()).contains("start");
        if (!markerBefore) {
            try {
                assertThat(strayMarker).as("conmon's oom marker in the daemon's working directory").doesNotExist();
            } finally {
                Files.deleteIfExists(strayMarker);
            }
        }
    }

    /**
     * conmon writes its "oom" marker into its working directory whatever --persist-dir says; that
     * directory must be the container's own, under the daemon's dirs, never the daemon's cwd.
     */
    @Test
    void conmon_workingDirectory_underTheDaemonsDirs() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("conmon-cwd").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        List<Long> conmons = ProcessHandle.allProcesses().map(ProcessHandle::pid)
                .filter(pid -> HostCommands.cmdline(pid).contains("conmon") && HostCommands.cmdline(pid).contains("--cid " + id))
                .toList();

        assertThat(conmons).as("conmon of %s", id).hasSize(1);
        Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(conmons.getFirst()), "cwd"));
        assertThat(cwd).as("conmon's working directory").startsWith(node.daemon().dir());
    }

    @Test
    void create_resources_inCgroup() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("limits").build();
        String podId = node.runPod(pod);
        ContainerConfig.Builder config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000");
        config.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(64 * MIB).setMemorySwapLimitInBytes(64 * MIB)
                .setCpuShares(512).setCpuPeriod(100_000).setCpuQuota(20_000));

        String id = calls.run(podId, config.build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        ContainerInfo info = calls.info(id);

        assertThat(ContainerInfo.read(info.cgroupDir("memory").resolve("memory.limit_in_bytes"))).isEqualTo(Long.toString(64 * MIB));
        assertThat(ContainerInfo.read(info.cgroupDir("cpu").resolve("cpu.shares"))).isEqualTo("512");
        assertThat(ContainerInfo.read(info.cgroupDir("cpu").resolve("cpu.cfs_quota_us"))).isEqualTo("20000");
        assertThat(ContainerInfo.read(info.cgroupDir("cpu").resolve("cpu.cfs_period_us"))).isEqualTo("100000");
        assertThat(info.cgroupDir("memory").toString()).as("the container cgroup is under the pod's parent")
                .contains(pod.getLinux().getCgroupParent());
    }

    @Test
    void update_runningContainer_changesCgroupAndStatus() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("update").build();
        String podId = node.runPod(pod);
        ContainerConfig.Builder config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000");
        config.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(64 * MIB).setMemorySwapLimitInBytes(64 * MIB)
                .setCpuShares(512).setCpuPeriod(100_000).setCpuQuota(20_000));
        String id = calls.run(podId, config.build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        ContainerInfo info = calls.info(id);
        Path memory = info.cgroupDir("memory");
        Path cpu = info.cgroupDir("cpu");
        assertThat(ContainerInfo.read(memory.resolve("memory.limit_in_bytes"))).isEqualTo(Long.toString(64 * MIB));

        calls.update(id, LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(128 * MIB).setMemorySwapLimitInBytes(128 * MIB)
                .setCpuShares(1024).setCpuPeriod(100_000).setCpuQuota(50_000).build());

        assertThat(ContainerInfo.read(memory.resolve("memory.limit_in_bytes"))).isEqualTo(Long.toString(128 * MIB));
        assertThat(ContainerInfo.read(cpu.resolve("cpu.shares"))).isEqualTo("1024");
        assertThat(ContainerInfo.read(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo("50000");
        assertThat(calls.status(id).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        LinuxContainerResources reported = calls.status(id).getResources().getLinux();
        assertThat(reported.getMemoryLimitInBytes()).isEqualTo(128 * MIB);
        assertThat(reported.getCpuShares()).isEqualTo(1024);
        assertThat(reported.getCpuQuota()).isEqualTo(50_000);
    }

    /**
     * An update leaves out what it does not change (crictl update --memory): ContainerStatus keeps
     * reporting the cpu values in force, and the verbose spec shows the new memory limit.
     */
    @Test
    void update_memoryOnly_statusKeepsCpuAndSpecShowsNewMemory() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("update-part").build();
        String podId = node.runPod(pod);
        ContainerConfig.Builder config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000");
        config.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(64 * MIB).setCpuShares(512).setCpuPeriod(100_000).setCpuQuota(20_000));
        String id = calls.run(podId, config.build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        Path cpu = calls.info(id).cgroupDir("cpu");

        calls.update(id, LinuxContainerResources.newBuilder().setMemoryLimitInBytes(128 * MIB).build());

        LinuxContainerResources reported = calls.status(id).getResources().getLinux();
        assertThat(reported.getMemoryLimitInBytes()).isEqualTo(128 * MIB);
        assertThat(reported.getCpuShares()).isEqualTo(512);
        assertThat(reported.getCpuPeriod()).isEqualTo(100_000);
        assertThat(reported.getCpuQuota()).isEqualTo(20_000);
        assertThat(ContainerInfo.read(cpu.resolve("cpu.shares"))).isEqualTo("512");
        assertThat(ContainerInfo.read(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo("20000");
        var resources = calls.info(id).requireSpec().path("linux").path("resources");
        assertThat(resources.path("memory").path("limit").asLong()).as("spec %s", resources).isEqualTo(128 * MIB);
        assertThat(resources.path("cpu").path("shares").asLong()).as("spec %s", resources).isEqualTo(512);
        assertThat(resources.path("cpu").path("quota").asLong()).as("spec %s", resources).isEqualTo(20_000);
    }

    /** As containerd: a created container's update is stored and applies when it starts. */
    @Test
    void update_createdContainer_appliesAtStart() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("update-created").build();
        String podId = node.runPod(pod);
        String id = calls.create(podId, sleeperWithMemory(pod, 64 * MIB), pod);

        calls.update(id, ContainerConfigs.memory(128 * MIB));
        calls.start(id);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        assertMemoryLimit(calls, id, calls.info(id).cgroupDir("memory"), 128 * MIB);
    }

    private ContainerConfig sleeperWithMemory(PodSandboxConfig pod, long bytes) {
        ContainerConfig.Builder config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000");
        config.getLinuxBuilder().setResources(ContainerConfigs.memory(bytes));
        return config.build();
    }

    /** The limit in the container's memory cgroup and in its status. */
    private static void assertMemoryLimit(ContainerCalls calls, String id, Path memoryCgroup, long bytes) {
        assertThat(ContainerInfo.read(memoryCgroup.resolve("memory.limit_in_bytes"))).isEqualTo(Long.toString(bytes));
        assertThat(calls.status(id).getResources().getLinux().getMemoryLimitInBytes()).isEqualTo(bytes);
    }

    @Test
    void update_exitedContainer_failedPrecondition() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("update-exited").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.named(pod, "main", node.image(), "true").build(), pod);
        calls.awaitExit(id);

        StatusRuntimeException e = Refused.by(() -> calls.update(id, ContainerConfigs.memory(128 * MIB)));

        assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).contains(id).contains("exited");
    }

    /** A limit below what runc needs is refused, naming the minimum; the limit in force stays. */
    @Test
    void update_memoryLimitBelowTheFloor_invalidArgumentAndLimitKept() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("update-tiny").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, sleeperWithMemory(pod, 64 * MIB), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        Path memory = calls.info(id).cgroupDir("memory");

        StatusRuntimeException e = Refused.by(() -> calls.update(id, ContainerConfigs.memory(1)));

        assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("memory_limit_in_bytes 1").contains("6291456");
        assertMemoryLimit(calls, id, memory, 64 * MIB);
    }

    /** The floor itself is enough for runc, conmon's child and a shell. */
    @Test
    void create_memoryLimitAtTheFloor_runs() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("floor").build();
        String podId = node.runPod(pod);
        ContainerConfig.Builder config = ContainerConfigs.shell(pod, "main", node.image(), "echo fits");
        config.getLinuxBuilder().setResources(ContainerConfigs.memory(6 * MIB));

        String id = calls.run(podId, config.build(), pod);

        assertThat(calls.awaitExit(id).getExitCode()).isZero();
    }

    @Test
    void update_unknownId_notFound() {
        ContainerCalls calls = new ContainerCalls(node.start());

        StatusRuntimeException e = Refused.by(() -> calls.update(
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ContainerConfigs.memory(64 * MIB)));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }
}
