package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.cri.v1.Container;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerFilter;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStateValue;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.Mount;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Create, start, exit, status, list and remove of real containers (runc under conmon) through the daemon's socket. */
class ContainerLifecycleIT {

    @RegisterExtension
    final TestNode node = TestNode.containers();

    @Test
    void start_exitZero_exitedCompletedWithTimes() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("zero").build();
        String podId = node.runPod(pod);
        String id = calls.create(podId, ContainerConfigs.shell(pod, "main", node.image(), "exit 0").build(), pod);

        ContainerStatus created = calls.status(id);
        assertThat(created.getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
        assertThat(created.getCreatedAt()).isPositive();
        assertThat(created.getStartedAt()).isZero();
        calls.start(id);
        ContainerStatus exited = calls.awaitExit(id);

        assertThat(exited.getExitCode()).isZero();
        assertThat(exited.getReason()).isEqualTo("Completed");
        assertThat(exited.getStartedAt()).isGreaterThanOrEqualTo(exited.getCreatedAt());
        assertThat(exited.getFinishedAt()).isGreaterThanOrEqualTo(exited.getStartedAt());
    }

    @Test
    void start_onRunc_goesThroughItsExecFifoWithoutARuncStart() throws Exception {
        // A handler whose binary notes each command line and then is runc: its features name it runc.
        Path dir = node.tempDir();
        Path calls = dir.resolve("runc-calls");
        Path traced = dir.resolve("traced-runc");
        Files.writeString(traced, "#!/bin/sh\necho \"$*\" >> " + calls + "\nexec runc \"$@\"\n");
        Files.setPosixFilePermissions(traced, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(node.daemon().configFile(), "\n[runtimes.traced]\npath = \"" + traced + "\"\n", StandardOpenOption.APPEND);
        ContainerCalls containers = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("fifo").build();
        String podId = node.runPod(pod, "traced");

        String id = containers.run(podId, ContainerConfigs.shell(pod, "main", node.image(), "echo started; exec sleep 1000").build(), pod);

        assertThat(containers.status(id).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        List<String> verbs = Files.readAllLines(calls).stream().map(ContainerLifecycleIT::verbOf).toList();
        assertThat(verbs).as("runc's command lines: %s", Files.readAllLines(calls)).contains("create").doesNotContain("start");
        containers.stop(id, 0);
        assertThat(containers.awaitExit(id).getExitCode()).isEqualTo(128 + 9);
    }

    /** The subcommand of a runc command line: the first word that is not an option or an option's value. */
    private static String verbOf(String commandLine) {
        List<String> words = List.of(commandLine.trim().split(" +"));
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--root") || w.equals("--log") || w.equals("--log-format")) {
                i++;
            } else if (!w.startsWith("-")) {
                return w;
            }
        }
        return "";
    }

    @Test
    void start_exitThree_exitedErrorWithCode() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("three").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(), "exit 3").build(), pod);

        ContainerStatus exited = calls.awaitExit(id);

        assertThat(exited.getExitCode()).isEqualTo(3);
        assertThat(exited.getReason()).isEqualTo("Error");
        assertThat(exited.getStartedAt()).isPositive();
        assertThat(exited.getFinishedAt()).isGreaterThanOrEqualTo(exited.getStartedAt());
    }

    @Test
    void status_runningContainer_reportsWhatWasAsked() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("fields").build();
        String podId = node.runPod(pod);
        Path host = node.tempDir();
        ContainerConfig config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000")
                .putLabels("tier", "backend")
                .putAnnotations("note", "kept as given")
                .addMounts(ContainerConfigs.bind(host, "/data", true))
                .build();
        String id = calls.run(podId, config, pod);

        ContainerStatus status = calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        assertThat(status.getId()).isEqualTo(id);
        assertThat(status.getMetadata()).isEqualTo(config.getMetadata());
        assertThat(status.getImage().getImage()).isEqualTo(node.image());
        assertThat(status.getImageRef()).isEqualTo(node.images().busyboxDigestRef());
        assertThat(status.getLabelsMap()).isEqualTo(config.getLabelsMap());
        assertThat(status.getAnnotationsMap()).isEqualTo(config.getAnnotationsMap());
        assertThat(status.getLogPath()).isEqualTo(ContainerConfigs.logFile(pod, config).toString());
        assertThat(status.getMountsList()).extracting(Mount::getHostPath, Mount::getContainerPath, Mount::getReadonly)
                .contains(org.assertj.core.groups.Tuple.tuple(host.toString(), "/data", true));
        assertThat(status.getStartedAt()).isPositive();
        assertThat(status.getFinishedAt()).isZero();
        assertThat(status.getExitCode()).isZero();
        assertThat(status.getImageId()).as("image_id is the image's id (config digest)").isEqualTo(node.images().busybox().configDigest());
    }

    @Test
    void status_imagePulledUnderTwoNames_imageRefIsTheDigestOfTheNameGiven() {
        ContainerCalls calls = new ContainerCalls(node.start());
        String alias = node.images().busyboxAliasRef();
        node.client().images().pullImage(dev.gantry.cri.v1.PullImageRequest.newBuilder()
                .setImage(dev.gantry.cri.v1.ImageSpec.newBuilder().setImage(alias)).build());
        PodSandboxConfig pod = node.pod("alias").build();
        String podId = node.runPod(pod);

        String viaAlias = calls.create(podId, ContainerConfigs.named(pod, "alias", alias, "true").build(), pod);
        String viaFirst = calls.create(podId, ContainerConfigs.named(pod, "first", node.image(), "true").build(), pod);

        assertThat(calls.status(viaAlias).getImageRef()).isEqualTo(node.images().busyboxAliasDigestRef());
        assertThat(calls.status(viaFirst).getImageRef()).isEqualTo(node.images().busyboxDigestRef());
        assertThat(calls.status(viaAlias).getImageId()).isEqualTo(calls.status(viaFirst).getImageId());
    }

    @Test
    void verboseStatus_running_infoHasOciSpecAndLivePid() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("verbose").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        ContainerInfo info = calls.info(id);

        assertThat(info.pid()).as("pid in %s", info.raw()).isPositive();
        assertThat(ProcessHandle.of(info.pid()).map(ProcessHandle::isAlive)).hasValue(true);
        assertThat(HostCommands.cmdline(info.pid())).contains("sleep 1000");
        JsonNode spec = info.requireSpec();
        assertThat(spec.path("ociVersion").asText()).startsWith("1.");
        List<String> args = new ArrayList<>();
        spec.path("process").path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).containsExactly("sleep", "1000");
        assertThat(spec.path("linux").path("namespaces").isArray()).isTrue();
    }

    @Test
    void listAndStream_filters_selectByIdStatePodAndLabels() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig podA = node.pod("list-a").build();
        PodSandboxConfig podB = node.pod("list-b").build();
        String a = node.runPod(podA);
        String b = node.runPod(podB);
        String running = calls.run(a, ContainerConfigs.named(podA, "running", node.image(), "sleep", "1000")
                .putLabels("tier", "web").build(), podA);
        String created = calls.create(a, ContainerConfigs.named(podA, "created", node.image(), "sleep", "1000")
                .putLabels("tier", "db").build(), podA);
        String other = calls.run(b, ContainerConfigs.named(podB, "other", node.image(), "sleep", "1000")
                .putLabels("tier", "web").build(), podB);
        calls.awaitState(running, ContainerState.CONTAINER_RUNNING);
        calls.awaitState(other, ContainerState.CONTAINER_RUNNING);

        ContainerFilter byId = ContainerFilter.newBuilder().setId(created).build();
        ContainerFilter byState = ContainerFilter.newBuilder()
                .setState(ContainerStateValue.newBuilder().setState(ContainerState.CONTAINER_RUNNING)).build();
        ContainerFilter byPod = ContainerFilter.newBuilder().setPodSandboxId(a).build();
        ContainerFilter byLabel = ContainerFilter.newBuilder().putLabelSelector("tier", "web").build();
        ContainerFilter byPodAndLabel = ContainerFilter.newBuilder().setPodSandboxId(b).putLabelSelector("tier", "web").build();
        ContainerFilter nothing = ContainerFilter.newBuilder().putLabelSelector("tier", "none").build();

        assertThat(calls.list()).extracting(Container::getId).containsExactlyInAnyOrder(running, created, other);
        assertThat(calls.list(byId)).extracting(Container::getId).containsExactly(created);
        assertThat(calls.list(byState)).extracting(Container::getId).containsExactlyInAnyOrder(running, other);
        assertThat(calls.list(byPod)).extracting(Container::getId).containsExactlyInAnyOrder(running, created);
        assertThat(calls.list(byLabel)).extracting(Container::getId).containsExactlyInAnyOrder(running, other);
        assertThat(calls.list(byPodAndLabel)).extracting(Container::getId).containsExactly(other);
        assertThat(calls.list(nothing)).isEmpty();
        for (ContainerFilter filter : List.of(ContainerFilter.getDefaultInstance(), byId, byState, byPod, byLabel, byPodAndLabel, nothing)) {
            assertThat(calls.stream(filter)).as("StreamContainers(%s)", filter)
                    .extracting(Container::getId).containsExactlyInAnyOrderElementsOf(calls.list(filter).stream().map(Container::getId).toList());
        }
        Container listed = calls.list(byId).getFirst();
        assertThat(listed.getPodSandboxId()).isEqualTo(a);
        assertThat(listed.getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
        assertThat(listed.getMetadata().getName()).isEqualTo("created");
        assertThat(listed.getLabelsMap()).containsEntry("tier", "db");
        assertThat(listed.getImageRef()).isNotEmpty();
        assertThat(listed.getCreatedAt()).isPositive();
    }

    @Test
    void remove_twiceAndUnknownId_ok() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("remove").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(), "exit 0").build(), pod);
        calls.awaitExit(id);

        calls.remove(id);
        calls.remove(id);
        calls.remove("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

        assertThat(calls.list()).isEmpty();
        StatusRuntimeException gone = Refused.by(() -> calls.status(id));
        assertThat(gone.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    /**
     * runc's state and the rootfs mount of an exited container go once the exit is recorded, while
     * the container stays listed with its exit status until RemoveContainer, which then leaves
     * nothing: its directories leave the store at once and are deleted just after the answer.
     */
    @Test
    void exited_runcStateReleased_containerStaysUntilRemoved() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("released").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(), "exit 4").build(), pod);
        calls.awaitExit(id);
        Path runcState = node.daemon().state().resolve("runc").resolve("runc").resolve(id);

        Waits.until("runc state of " + id + " released", () -> !Files.exists(runcState));
        Waits.until("rootfs of " + id + " unmounted", () -> mountsUnderState().stream().noneMatch(m -> m.contains(id)));
        ContainerStatus exited = calls.status(id);
        assertThat(exited.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(exited.getExitCode()).isEqualTo(4);
        assertThat(node.daemon().root().resolve("containers").resolve(id).resolve("upper")).as("writable layer kept").isDirectory();

        calls.remove(id);
        assertThat(calls.list()).isEmpty();
        assertThat(node.mountsUnderState()).noneMatch(m -> m.contains(id));
        assertThat(node.daemon().root().resolve("containers").resolve(id)).doesNotExist();
        Path removed = node.daemon().root().resolve("removed-containers").resolve(id);
        Path runDir = node.daemon().state().resolve("containers").resolve(id);
        Waits.until("files of removed container " + id + " deleted", () -> !Files.exists(removed) && !Files.exists(runDir));
    }

    private List<String> mountsUnderState() {
        try {
            return node.mountsUnderState();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void remove_runningContainer_stopsAndRemovesIt() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("remove-running").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        long pid = calls.info(id).pid();

        calls.remove(id);

        assertThat(calls.list()).isEmpty();
        Waits.until("process " + pid + " gone", () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void stop_unknownId_ok() {
        ContainerCalls calls = new ContainerCalls(node.start());

        calls.stop("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", 10);
    }

    @Test
    void status_unknownId_notFound() {
        ContainerCalls calls = new ContainerCalls(node.start());

        StatusRuntimeException e = Refused.by(
                () -> calls.status("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void create_sameMetadataTwiceInPod_alreadyExistsNamingTheFirst() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("twice").build();
        String podId = node.runPod(pod);
        ContainerConfig config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build();
        String first = calls.create(podId, config, pod);

        StatusRuntimeException e = Refused.by(() -> calls.create(podId, config, pod));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(e.getStatus().getDescription()).contains(first);
        assertThat(calls.list()).extracting(Container::getId).containsExactly(first);
    }

    @Test
    void create_sameNameInTwoPods_bothCreated() {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig podA = node.pod("same-a").build();
        PodSandboxConfig podB = node.pod("same-b").build();
        String a = node.runPod(podA);
        String b = node.runPod(podB);

        String inA = calls.create(a, ContainerConfigs.named(podA, "main", node.image(), "true").build(), podA);
        String inB = calls.create(b, ContainerConfigs.named(podB, "main", node.image(), "true").build(), podB);

        assertThat(inA).isNotEqualTo(inB);
        assertThat(calls.list()).hasSize(2);
    }

    /**
     * StartContainer racing RemoveContainer: every start is OK, NOT_FOUND or FAILED_PRECONDITION
     * (never runc's "cannot start a container that has stopped" as INTERNAL), and every remove
     * leaves nothing: no record, no mount, no runc state.
     */
    @Test
    void start_racingRemove_okNotFoundOrFailedPreconditionAndNothingLeft() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("start-remove").build();
        String podId = node.runPod(pod);
        List<String> outcomes = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            int r = round;
            String id = calls.create(podId, ContainerConfigs.named(pod, "race" + round, node.image(), "sleep", "1000").build(), pod);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var start = executor.submit(() -> {
                    go.await();
                    try {
                        calls.start(id);
                        return Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                        assertThat(e.getStatus().getCode()).as("StartContainer in round %d: %s", r, e.getStatus())
                                .isIn(Status.Code.NOT_FOUND, Status.Code.FAILED_PRECONDITION);
                        return e.getStatus().getCode();
                    }
                });
                var remove = executor.submit(() -> {
                    go.await();
                    calls.remove(id);
                    return null;
                });
                go.countDown();
                outcomes.add(start.get().toString());
                remove.get();
            }
            assertThat(calls.list()).as("containers after round %d", round).isEmpty();
            assertThat(node.mountsUnderState()).as("mounts after round %d", round).noneMatch(m -> m.contains(id));
            assertThat(node.daemon().state().resolve("runc").resolve("runc").resolve(id)).as("runc state of %s", id).doesNotExist();
            assertThat(node.daemon().root().resolve("containers").resolve(id)).doesNotExist();
        }
        System.out.println("StartContainer outcomes racing RemoveContainer: " + outcomes);
    }

    @Test
    void removePod_withContainers_removesThem() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("pod-removes").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build(), pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        long pid = calls.info(id).pid();

        calls.stopPod(podId);
        assertThat(calls.status(id).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        calls.removePod(podId);

        assertThat(calls.list()).isEmpty();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(Files.exists(node.daemon().root().resolve("containers").resolve(id))).isFalse();
        assertThat(node.mountsUnderState()).noneMatch(m -> m.contains(id));
    }
}
