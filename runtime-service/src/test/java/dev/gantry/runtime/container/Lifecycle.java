package dev.gantry.runtime.container;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerMetadata;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxMetadata;
import dev.gantry.linux.cgroup.Cgroups;
import dev.gantry.linux.mount.FakeMounter;
import dev.gantry.runtime.monitor.ExitStatus;
import dev.gantry.runtime.monitor.OomCheck;
import dev.gantry.runtime.oci.FakeOciRuntime;
import dev.gantry.runtime.oci.HostFacts;
import dev.gantry.runtime.oci.OciSpecBuilder;
import dev.gantry.runtime.oci.RuncFeatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A container manager over fakes in a temp dir: no root, runc or conmon. */
final class Lifecycle {

    final Path dir;
    final ContainerPaths paths;
    final FakeOciRuntime runtime = new FakeOciRuntime();
    final FakeMonitor monitor = new FakeMonitor(runtime);
    final FakeMounter mounter = new FakeMounter();
    final FakeContainerProcesses processes = new FakeContainerProcesses(runtime);
    final FakeImages images;
    final FakePods pods;
    final ContainerSystem system;
    final ContainerEvents events = new ContainerEvents();
    ContainerStore store;
    ContainerManager manager;
    /**
     * Long, so a stalled test machine cannot pass for an exit never reported; tests of that
     * path shorten it and {@link #restart}.
     */
    Duration killWait = Duration.ofSeconds(60);
    /**
     * Runs conmon + runc create. gantryd runs it beyond CreateContainer; here it runs within, so a
     * test may use the fake runtime's container at once. Tests of the overlap hold it and {@link #restart}.
     */
    java.util.concurrent.Executor launches = Runnable::run;

    Lifecycle(Path dir) throws IOException {
        this.dir = dir;
        paths = ContainerPaths.of(dir.resolve("root"), dir.resolve("state"));
        for (Path p : List.of(paths.containersState(), paths.exits(), paths.attach())) {
            Files.createDirectories(p);
        }
        images = new FakeImages(dir.resolve("snapshots"));
        pods = new FakePods(dir);
        var handlers = new HandlerTable("runc", List.of(new HandlerTable.Handler("runc", runtime, RuncFeatures.NONE)));
        system = new ContainerSystem(paths, images, new OciSpecBuilder(HostFacts.current(false)), handlers,
                Path.of("/fake/conmon"), monitor, new ContainerRootfs(mounter), new OomCheck(new Cgroups(java.util.Map.of(), Optional.of(dir.resolve("cgroup")))),
                processes, Clock.systemUTC(), Duration.ofSeconds(30));
        restart();
    }

    /** A new manager over the same disk, as after gantryd restarted, with exits reported to it. */
    ContainerManager restart() {
        return restart(Runnable::run);
    }

    /** The same, with removed containers' files deleted by {@code fileDeletion}. */
    ContainerManager restart(java.util.concurrent.Executor fileDeletion) {
        store = new ContainerStore(paths.containersRoot());
        store.load();
        manager = new ContainerManager(store, system, events, ExitListener.NONE, fileDeletion, killWait, launches);
        ContainerManager exitsTo = manager;
        runtime.onStop(id -> exitsTo.onExit(new ExitStatus(id, 137, java.time.Instant.now(), false)));
        return manager;
    }

    static ContainerConfig config(String name) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(FakeImages.IMAGE))
                .setLogPath(name + "/0.log")
                .build();
    }

    static PodSandboxConfig podConfig() {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName("web").setNamespace("default").setUid("uid-web"))
                .build();
    }

    Container create(String name) throws Exception {
        return manager.create(pods.pod(), config(name), podConfig(), () -> false);
    }

    /** Nothing of container {@code id} is left: record (on disk too), mounts, leases, runtime state, files. */
    void assertGone(String id) {
        org.assertj.core.api.Assertions.assertThat(store.find(id)).isEmpty();
        org.assertj.core.api.Assertions.assertThat(new ContainerStore(paths.containersRoot())).satisfies(fresh -> {
            fresh.load();
            org.assertj.core.api.Assertions.assertThat(fresh.list()).noneMatch(c -> c.id().equals(id));
        });
        org.assertj.core.api.Assertions.assertThat(mounter.mounted()).noneMatch(p -> p.toString().contains(id));
        org.assertj.core.api.Assertions.assertThat(runtime.knows(id)).as("runtime knows " + id).isFalse();
        org.assertj.core.api.Assertions.assertThat(paths.runDir(id)).doesNotExist();
        org.assertj.core.api.Assertions.assertThat(paths.bundle(id)).doesNotExist();
        org.assertj.core.api.Assertions.assertThat(paths.removed(id)).doesNotExist();
        org.assertj.core.api.Assertions.assertThat(paths.exitFile(id)).doesNotExist();
        org.assertj.core.api.Assertions.assertThat(Files.exists(paths.attach().resolve(id), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .as("attach link of " + id).isFalse();
    }
}
