package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerFilter;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.cri.v1.Mount;
import dev.gantry.cri.v1.MountPropagation;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PullImageRequest;
import dev.gantry.cri.v1.SecurityProfile;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.fixtures.Layer;
import dev.gantry.e2e.fixtures.OciImageBuilder;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CreateContainer refuses bad requests with the right code and a message naming what was wrong,
 * and leaves nothing behind: no container listed for the pod, no new mount under the state dir, no
 * new container directory under the root. Each refusal is followed by a good create in the same
 * pod, which proves no name stayed reserved.
 */
class ContainerBadInputIT {

    @RegisterExtension
    final TestNode node = TestNode.containers();

    private ContainerCalls calls;
    private PodSandboxConfig pod;
    private String podId;

    private void startPod() {
        calls = new ContainerCalls(node.start());
        pod = node.pod("bad-input").build();
        podId = node.runPod(pod);
    }

    private ContainerConfig.Builder good() {
        return ContainerConfigs.named(pod, "main", node.image(), "true");
    }

    /** CreateContainer with {@code change} applied to a good config fails with {@code code}; nothing is left; a good create then works. */
    private StatusRuntimeException refused(UnaryOperator<ContainerConfig.Builder> change, Status.Code code) throws IOException {
        List<String> mountsBefore = node.mountsUnderState();
        List<String> dirsBefore = containerDirs();
        ContainerConfig bad = change.apply(good()).build();

        StatusRuntimeException e = Refused.by(() -> calls.create(podId, bad, pod));

        assertThat(e).as("CreateContainer of %s", bad).isNotNull();
        assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isEqualTo(code);
        assertThat(e.getStatus().getDescription()).isNotBlank();
        assertThat(calls.list(ContainerFilter.newBuilder().setPodSandboxId(podId).build())).isEmpty();
        assertThat(node.mountsUnderState()).isEqualTo(mountsBefore);
        assertThat(containerDirs()).isEqualTo(dirsBefore);
        String ok = calls.create(podId, good().build(), pod);
        calls.remove(ok);
        return e;
    }

    private List<String> containerDirs() {
        Path dir = node.daemon().root().resolve("containers");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void create_unknownPod_notFound() {
        calls = new ContainerCalls(node.start());
        pod = node.pod("absent").build();

        StatusRuntimeException e = Refused.by(() -> calls.create(
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", good().build(), pod));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(calls.list()).isEmpty();
    }

    @Test
    void create_imageNotPulled_notFound() throws IOException {
        startPod();

        StatusRuntimeException e = refused(c -> c.setImage(ImageSpec.newBuilder().setImage("127.0.0.1:9/never/pulled:1")),
                Status.Code.NOT_FOUND);

        assertThat(e.getStatus().getDescription()).contains("never/pulled");
    }

    @Test
    void create_relativeContainerPath_invalidArgument() throws IOException {
        startPod();
        Path host = node.tempDir();

        StatusRuntimeException e = refused(c -> c.addMounts(Mount.newBuilder().setHostPath(host.toString()).setContainerPath("data")),
                Status.Code.INVALID_ARGUMENT);

        assertThat(e.getStatus().getDescription()).contains("data");
    }

    @Test
    void create_recursiveReadOnlyNotReadonly_invalidArgument() throws IOException {
        startPod();
        Path host = node.tempDir();

        StatusRuntimeException e = refused(c -> c.addMounts(ContainerConfigs.bind(host, "/mnt", false).toBuilder()
                .setRecursiveReadOnly(true)), Status.Code.INVALID_ARGUMENT);

        assertThat(e.getStatus().getDescription()).contains("/mnt", "recursive_read_only", "readonly");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = MountPropagation.class, names = {"PROPAGATION_HOST_TO_CONTAINER", "PROPAGATION_BIDIRECTIONAL"})
    void create_recursiveReadOnlyNotPrivate_invalidArgument(MountPropagation propagation) throws IOException {
        startPod();
        Path host = node.tempDir();

        StatusRuntimeException e = refused(c -> c.addMounts(ContainerConfigs.bind(host, "/mnt", true).toBuilder()
                .setRecursiveReadOnly(true).setPropagation(propagation)), Status.Code.INVALID_ARGUMENT);

        assertThat(e.getStatus().getDescription()).contains("/mnt", "PROPAGATION_PRIVATE", propagation.name());
    }

    @Test
    void create_logPathEscaping_invalidArgument() throws IOException {
        startPod();

        refused(c -> c.setLogPath("main/../../../outside.log"), Status.Code.INVALID_ARGUMENT);

        assertThat(Path.of(pod.getLogDirectory()).resolve("../../outside.log").normalize()).doesNotExist();
    }

    @Test
    void create_imagePasswdOverTheCap_invalidArgumentAndNothingLeft() throws IOException {
        startPod();
        // Twice the 4 MiB cap, as zeros: one line the old reader took whole. A sparse source keeps
        // the host file cheap; the layer (tar, then gzip) is small.
        Path zeros = node.tempDir().resolve("passwd");
        try (RandomAccessFile file = new RandomAccessFile(zeros.toFile(), "rw")) {
            file.setLength(8L << 20);
        }
        try (RegistryServer registry = RegistryServer.anonymous(null);
                Layer layer = Layer.builder().dir("etc").file("etc/passwd", zeros, 0644).build()) {
            OciImageBuilder.create().layer(layer).cmd("true").push(registry.registry(), "e2e/huge-passwd", "1");
            String ref = registry.registry().reference("e2e/huge-passwd", "1");
            node.client().images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref)).build());

            StatusRuntimeException e = refused(c -> c.setImage(ImageSpec.newBuilder().setImage(ref)), Status.Code.INVALID_ARGUMENT);

            assertThat(e.getStatus().getDescription()).contains("/etc/passwd is larger than");
        }
    }

    @Test
    void create_localhostSeccompProfileMissing_invalidArgument() throws IOException {
        startPod();
        String missing = node.tempDir().resolve("no-such-profile.json").toString();

        StatusRuntimeException e = refused(c -> {
            c.getLinuxBuilder().getSecurityContextBuilder().setSeccomp(SecurityProfile.newBuilder()
                    .setProfileType(SecurityProfile.ProfileType.Localhost).setLocalhostRef(missing));
            return c;
        }, Status.Code.INVALID_ARGUMENT);

        assertThat(e.getStatus().getDescription()).contains(missing);
    }

    @Test
    void create_negativeCpuShares_invalidArgument() throws IOException {
        startPod();

        refused(c -> {
            c.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder().setCpuShares(-2));
            return c;
        }, Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void create_negativeMemoryLimit_invalidArgument() throws IOException {
        startPod();

        refused(c -> {
            c.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(-1));
            return c;
        }, Status.Code.INVALID_ARGUMENT);
    }

    /** Kubernetes' lengths (RequestChecks: container names up to 253 for critest), and a log file name past NAME_MAX. */
    @Test
    void create_nameOrLogFileNameTooLong_invalidArgumentNamingTheField() throws IOException {
        startPod();

        assertThat(refused(c -> {
            c.getMetadataBuilder().setName("c".repeat(254));
            return c;
        }, Status.Code.INVALID_ARGUMENT).getStatus().getDescription()).contains("config.metadata.name is 254 characters long");
        assertThat(refused(c -> c.setLogPath("l".repeat(300) + ".log"), Status.Code.INVALID_ARGUMENT).getStatus().getDescription())
                .contains("log_path").contains("longer than 255 bytes").doesNotContain("Exception");
        assertThat(refused(c -> c.setLogPath("d/".repeat(2100) + "main.log"), Status.Code.INVALID_ARGUMENT).getStatus().getDescription())
                .contains("log_path").contains("PATH_MAX");
    }

    /** As containerd does (and the kubelet's hostPath volumes expect), a missing host_path becomes a directory. */
    @Test
    void create_missingHostPath_createdAsDirectory() throws IOException {
        startPod();
        Path missing = node.tempDir().resolve("made/by/create");

        String id = calls.create(podId, good().addMounts(ContainerConfigs.bind(missing, "/data", false)).build(), pod);

        assertThat(missing).isDirectory();
        calls.remove(id);
    }

    /** A host_path that cannot be made (its parent is a file) is the request's fault: named, and nothing left behind. */
    @Test
    void create_hostPathUnderAFile_invalidArgumentNamingThePath() throws IOException {
        startPod();
        Path file = Files.writeString(node.tempDir().resolve("plain-file"), "x");
        Path impossible = file.resolve("sub");

        StatusRuntimeException e = refused(c -> c.addMounts(ContainerConfigs.bind(impossible, "/data", false)),
                Status.Code.INVALID_ARGUMENT);

        assertThat(e.getStatus().getDescription()).contains(impossible.toString()).contains("not a directory")
                .doesNotContain("Exception");
    }

    /** Below 6 MiB runc's own setup cannot run in the cgroup; refused up front, naming the minimum. */
    @Test
    void create_memoryLimitBelowTheFloor_invalidArgumentNamingTheMinimum() throws IOException {
        startPod();

        for (long bytes : new long[] {1, 4096, 4L << 20}) {
            StatusRuntimeException e = refused(c -> {
                c.getLinuxBuilder().setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(bytes));
                return c;
            }, Status.Code.INVALID_ARGUMENT);

            assertThat(e.getStatus().getDescription()).contains("memory_limit_in_bytes " + bytes).contains("6291456");
        }
    }

    @Test
    void create_noMetadataName_invalidArgument() throws IOException {
        startPod();

        refused(c -> {
            c.getMetadataBuilder().setName("");
            return c;
        }, Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void create_pathLikeOrNulName_invalidArgumentNamingTheField() throws IOException {
        startPod();

        StatusRuntimeException e = refused(c -> {
            c.getMetadataBuilder().setName("../../x\0");
            return c;
        }, Status.Code.INVALID_ARGUMENT);

        assertThat(e.getStatus().getDescription()).contains("config.metadata.name");
    }

    @Test
    void create_nulInLogPathOrMount_invalidArgumentNamingTheField() throws IOException {
        startPod();
        Path host = node.tempDir();

        assertThat(refused(c -> c.setLogPath("main/\0.log"), Status.Code.INVALID_ARGUMENT).getStatus().getDescription())
                .contains("config.log_path holds a NUL");
        assertThat(refused(c -> c.addMounts(Mount.newBuilder().setHostPath(host + "/\0").setContainerPath("/data")),
                Status.Code.INVALID_ARGUMENT).getStatus().getDescription()).contains("config.mounts[0].host_path holds a NUL");
    }

    @Test
    void create_300KiBOfAnnotations_invalidArgument() throws IOException {
        startPod();

        StatusRuntimeException e = refused(c -> c.putAnnotations("big", "x".repeat(300 * 1024)), Status.Code.INVALID_ARGUMENT);

        assertThat(e.getStatus().getDescription()).contains("config.annotations hold 307203 bytes");
    }

    /** The kubelet's grace period has no upper bound: 2^63-1 seconds waits for the exit rather than overflowing. */
    @Test
    void stop_maxTimeout_stopsGracefully() {
        startPod();
        ContainerConfig config = ContainerConfigs.shell(pod, "graceful", node.image(),
                "trap 'exit 7' TERM; echo ready; while true; do sleep 0.2; done").build();
        String id = calls.run(podId, config, pod);
        awaitLogLine(ContainerConfigs.logFile(pod, config), "ready"); // the trap is set: SIGTERM ends it

        calls.stop(id, Long.MAX_VALUE);

        assertThat(calls.status(id).getExitCode()).isEqualTo(7);
        calls.remove(id);
    }

    private static void awaitLogLine(Path log, String text) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(log) && Files.readString(log).contains(text)) {
                    return;
                }
                Thread.sleep(50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no \"" + text + "\" in " + log + " within 30 s");
    }

    /**
     * runc 1.1 fails a missing command at {@code runc create}; whichever call fails must say what
     * runc's useful line says, on one line, and leave no attach link (conmon makes one per create).
     */
    @Test
    void create_commandMissing_oneLineMessageAndNothingLeft() throws IOException {
        startPod();
        List<String> attachBefore = attachLinks();
        List<String> mountsBefore = node.mountsUnderState();
        ContainerConfig bad = ContainerConfigs.named(pod, "main", node.image(), "/nonexistent").build();

        StatusRuntimeException e = Refused.by(() -> calls.run(podId, bad, pod));

        String message = e.getStatus().getDescription();
        assertThat(message).as("%s", e.getStatus()).contains("no such file or directory").contains("\"/nonexistent\"")
                .doesNotContain("\n").doesNotContain("level=error");
        assertThat(e.getStatus().getCode()).as("%s", e.getStatus()).isNotIn(Status.Code.UNKNOWN, Status.Code.INTERNAL);
        for (var c : calls.list(ContainerFilter.newBuilder().setPodSandboxId(podId).build())) {
            calls.remove(c.getId());
        }
        assertThat(node.mountsUnderState()).isEqualTo(mountsBefore);
        assertThat(containerDirs()).isEmpty();
        // conmon's attach link goes with the files RemoveContainer deletes just after it answers
        Waits.until("attach links under the state dir back to " + attachBefore, Duration.ofSeconds(30),
                () -> attachLinksOrNone().equals(attachBefore), () -> attachLinksOrNone().toString());
    }

    private List<String> attachLinksOrNone() {
        try {
            return attachLinks();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> attachLinks() throws IOException {
        Path dir = node.daemon().state().resolve("attach");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void create_stoppedPod_failedPrecondition() {
        startPod();
        calls.stopPod(podId);

        StatusRuntimeException e = Refused.by(() -> calls.create(podId, good().build(), pod));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(calls.list()).isEmpty();
    }
}
