package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.Capability;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.Int64Value;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.SupplementalGroupsPolicy;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.harness.TestNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The security context reaches the container: read-only rootfs, capabilities, users, read-only bind mounts. */
class ContainerSecurityIT {

    private static final int CAP_CHOWN = 0;
    private static final int CAP_DAC_OVERRIDE = 1;

    @RegisterExtension
    final TestNode node = TestNode.containers();

    /** Runs a container of {@code config} in a fresh pod until it exits; returns its status and log. */
    private record Ran(ContainerStatus status, CriLog log) {}

    private Ran runToExit(ContainerCalls calls, PodSandboxConfig pod, ContainerConfig config) {
        String podId = node.runPod(pod);
        String id = calls.run(podId, config, pod);
        ContainerStatus status = calls.awaitExit(id);
        return new Ran(status, CriLog.read(Path.of(status.getLogPath())));
    }

    @Test
    void readonlyRootfs_writeToRoot_refused() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("ro").build();
        ContainerConfig.Builder config = ContainerConfigs.shell(pod, "main", node.image(), "echo x > /x && echo wrote");
        config.getLinuxBuilder().getSecurityContextBuilder().setReadonlyRootfs(true);

        Ran ran = runToExit(calls, pod, config.build());

        assertThat(ran.status().getExitCode()).as("log: %s", ran.log().joined()).isNotZero();
        assertThat(ran.log().joined()).contains("Read-only file system").doesNotContain("wrote");
    }

    @Test
    void writableRootfs_writeToRoot_works() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("rw").build();

        Ran ran = runToExit(calls, pod, ContainerConfigs.shell(pod, "main", node.image(), "echo x > /x && echo wrote").build());

        assertThat(ran.status().getExitCode()).as("log: %s", ran.log().joined()).isZero();
        assertThat(ran.log().texts()).contains("wrote");
    }

    @Test
    void dropChown_capEffLacksChownKeepsDefaults() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("caps").build();
        ContainerConfig.Builder dropped = ContainerConfigs.shell(pod, "dropped", node.image(), "grep CapEff /proc/self/status");
        dropped.getLinuxBuilder().getSecurityContextBuilder().setCapabilities(Capability.newBuilder().addDropCapabilities("CHOWN"));
        ContainerConfig.Builder kept = ContainerConfigs.shell(pod, "kept", node.image(), "grep CapEff /proc/self/status");
        String podId = node.runPod(pod);

        String droppedId = calls.run(podId, dropped.build(), pod);
        String keptId = calls.run(podId, kept.build(), pod);
        BigInteger droppedCaps = capEff(calls.awaitExit(droppedId));
        BigInteger keptCaps = capEff(calls.awaitExit(keptId));

        assertThat(keptCaps.testBit(CAP_CHOWN)).as("default set has CHOWN: %s", keptCaps.toString(16)).isTrue();
        assertThat(droppedCaps.testBit(CAP_CHOWN)).as("dropped: %s", droppedCaps.toString(16)).isFalse();
        assertThat(droppedCaps.testBit(CAP_DAC_OVERRIDE)).as("the rest stays: %s", droppedCaps.toString(16)).isTrue();
        assertThat(droppedCaps).isEqualTo(keptCaps.clearBit(CAP_CHOWN));
    }

    private static BigInteger capEff(ContainerStatus status) {
        String line = CriLog.read(Path.of(status.getLogPath())).texts().stream().filter(t -> t.startsWith("CapEff:")).findFirst()
                .orElseThrow(() -> new AssertionError("no CapEff line in the log of " + status.getId()));
        return new BigInteger(line.substring("CapEff:".length()).strip(), 16);
    }

    @Test
    void runAsUser1000_idShowsUserAndImageGroup() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("uid").build();
        ContainerConfig.Builder config = ContainerConfigs.shell(pod, "main", node.image(), "echo uid=$(id -u) gid=$(id -g)");
        config.getLinuxBuilder().getSecurityContextBuilder().setRunAsUser(Int64Value.newBuilder().setValue(1000));

        Ran ran = runToExit(calls, pod, config.build());

        // gid from the image's /etc/passwd entry for uid 1000 (app:1000), as containerd and CRI-O do
        assertThat(ran.log().texts()).containsExactly("uid=1000 gid=1000");
        assertThat(ran.status().getExitCode()).isZero();
    }

    /** The primary gid is a supplemental group too, as `id -G` shows and critest checks; Merge adds the image's /etc/group. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"Merge, 1000 1234 50000", "Strict, 1000 1234"})
    void supplementalGroupsPolicy_idAndStatusAgree(SupplementalGroupsPolicy policy, String groups) {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("groups-" + policy.name().toLowerCase(java.util.Locale.ROOT)).build();
        ContainerConfig.Builder config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000");
        config.getLinuxBuilder().getSecurityContextBuilder()
                .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                .addSupplementalGroups(1234)
                .setSupplementalGroupsPolicy(policy);
        String podId = node.runPod(pod);
        String id = calls.run(podId, config.build(), pod);
        ContainerStatus status = calls.awaitState(id, dev.gantry.cri.v1.ContainerState.CONTAINER_RUNNING);

        String idG = calls.execSync(id, 10, "id", "-G").getStdout().toStringUtf8();

        List<Long> expected = java.util.Arrays.stream(groups.split(" ")).map(Long::parseLong).toList();
        assertThat(idG).isEqualTo(groups + "\n");
        assertThat(status.getUser().getLinux().getSupplementalGroupsList()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(status.getUser().getLinux().getGid()).isEqualTo(1000);
    }

    @Test
    void status_runAsUser_reportsContainerUser() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("user-status").build();
        ContainerConfig.Builder config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000");
        config.getLinuxBuilder().getSecurityContextBuilder().setRunAsUser(Int64Value.newBuilder().setValue(1000));
        String podId = node.runPod(pod);

        String id = calls.run(podId, config.build(), pod);

        ContainerStatus status = calls.awaitState(id, dev.gantry.cri.v1.ContainerState.CONTAINER_RUNNING);
        assertThat(status.getUser().getLinux().getUid()).as("status user: %s", status.getUser()).isEqualTo(1000);
        assertThat(status.getUser().getLinux().getGid()).isEqualTo(1000);
    }

    @Test
    void runAsUserAndGroup_bothApplied() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("uidgid").build();
        ContainerConfig.Builder config = ContainerConfigs.shell(pod, "main", node.image(), "echo uid=$(id -u) gid=$(id -g)");
        LinuxContainerSecurityContext.Builder security = config.getLinuxBuilder().getSecurityContextBuilder();
        security.setRunAsUser(Int64Value.newBuilder().setValue(4242)).setRunAsGroup(Int64Value.newBuilder().setValue(4343));

        Ran ran = runToExit(calls, pod, config.build());

        assertThat(ran.log().texts()).containsExactly("uid=4242 gid=4343");
    }

    @Test
    void imageUser_app_runsAs1000() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("image-user").build();

        Ran ran = runToExit(calls, pod, ContainerConfigs.shell(pod, "main", node.images().busyboxAppRef(), "echo uid=$(id -u) gid=$(id -g)").build());

        assertThat(ran.log().texts()).containsExactly("uid=1000 gid=1000");
    }

    @Test
    void readonlyBindMount_readableButWriteRefused() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("ro-mount").build();
        Path host = node.tempDir();
        Files.writeString(host.resolve("hello.txt"), "from the host\n");
        ContainerConfig config = ContainerConfigs.shell(pod, "main", node.image(),
                        "cat /data/hello.txt; if echo x > /data/new; then echo write=ok; else echo write=refused; fi")
                .addMounts(ContainerConfigs.bind(host, "/data", true)).build();

        Ran ran = runToExit(calls, pod, config);

        assertThat(ran.log().texts()).contains("from the host", "write=refused");
        assertThat(ran.log().joined()).contains("Read-only file system");
        assertThat(host.resolve("new")).doesNotExist();
    }

    @Test
    void writableBindMount_writeReachesHost() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("rw-mount").build();
        Path host = node.tempDir();
        ContainerConfig config = ContainerConfigs.shell(pod, "main", node.image(), "echo from-container > /data/new")
                .addMounts(ContainerConfigs.bind(host, "/data", false)).build();

        Ran ran = runToExit(calls, pod, config);

        assertThat(ran.status().getExitCode()).as("log: %s", ran.log().joined()).isZero();
        assertThat(Files.readString(host.resolve("new"))).isEqualTo("from-container\n");
    }

    @Test
    void imageVolume_imageMountedReadOnly_subPathToo() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("image-volume").build();
        var image = dev.gantry.cri.v1.ImageSpec.newBuilder().setImage(node.image());
        ContainerConfig config = ContainerConfigs.shell(pod, "main", node.image(),
                        "ls /vol/bin/busybox /etc-of-image/passwd; if touch /vol/new; then echo write=ok; else echo write=refused; fi")
                .addMounts(dev.gantry.cri.v1.Mount.newBuilder().setContainerPath("/vol").setImage(image))
                .addMounts(dev.gantry.cri.v1.Mount.newBuilder().setContainerPath("/etc-of-image").setImage(image).setImageSubPath("etc"))
                .build();

        Ran ran = runToExit(calls, pod, config);

        assertThat(ran.log().texts()).contains("/vol/bin/busybox", "/etc-of-image/passwd", "write=refused");
    }

    @Test
    void imageVolume_subPathMissing_invalidArgumentAndNothingLeft() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("image-volume-bad").build();
        String podId = node.runPod(pod);
        ContainerConfig config = ContainerConfigs.shell(pod, "main", node.image(), "true")
                .addMounts(dev.gantry.cri.v1.Mount.newBuilder().setContainerPath("/vol")
                        .setImage(dev.gantry.cri.v1.ImageSpec.newBuilder().setImage(node.image())).setImageSubPath("no/such/dir"))
                .build();

        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(io.grpc.StatusRuntimeException.class,
                () -> calls.create(podId, config, pod));

        assertThat(refused.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getStatus().getDescription()).contains("no/such/dir");
        assertThat(node.client().runtime().listContainers(dev.gantry.cri.v1.ListContainersRequest.getDefaultInstance())
                .getContainersList()).isEmpty();
    }
}
