package dev.gantry.sandbox;

import static dev.gantry.sandbox.FakeNode.podRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.id.Ids;
import dev.gantry.linux.ns.NamespaceType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restarted gantryd makes of the records and of what the node still holds (see
 * {@link SandboxRecovery}), on a {@link FakeNode}: each test runs pods with one manager, changes
 * the node or the records as a crash or a reboot would, and recovers with a new manager.
 */
class SandboxRecoveryTest {

    @TempDir
    Path tmp;

    private FakeNode node;
    private SandboxManager before;

    @BeforeEach
    void setUp() throws Exception {
        node = new FakeNode(tmp);
        before = node.manager();
        before.recover();
    }

    @Test
    void recover_intactReadyPod_keptReadyWithItsNetwork() throws Exception {
        PodSandbox pod = before.run(podRequest("web"), () -> false);

        SandboxManager after = node.manager();
        SandboxRecovery.Report report = after.recover();

        assertThat(report).isEqualTo(new SandboxRecovery.Report(1, 0, 0, 0));
        assertThat(after.status(pod.id())).isEqualTo(pod);
        assertThat(node.cniCalls).containsExactly("ADD " + pod.id());
        assertThat(node.processes.running()).containsExactly(pod.infra().orElseThrow().pid());
    }

    @Test
    void recover_infraDied_notReadyAndNetworkLeftForStop() throws Exception {
        PodSandbox pod = before.run(podRequest("web"), () -> false);
        long infra = pod.infra().orElseThrow().pid();
        node.processes.vanish(infra);

        SandboxManager after = node.manager();
        SandboxRecovery.Report report = after.recover();

        assertThat(report).isEqualTo(new SandboxRecovery.Report(0, 1, 0, 0));
        assertThat(after.status(pod.id()).state()).isEqualTo(new SandboxState.NotReady("infra process " + infra + " has exited"));
        assertThat(node.records()).extracting(PodSandbox::isReady).containsExactly(false);
        assertThat(node.attachments).as("the pod keeps its IP until the kubelet stops it").containsKey(pod.id());
        after.stop(pod.id());
        assertThat(node.attachments).isEmpty();
    }

    @Test
    void recover_infraPidNowAnotherProcess_notReadyAndThatProcessSpared() throws Exception {
        PodSandbox pod = before.run(podRequest("web"), () -> false);
        long infra = pod.infra().orElseThrow().pid();
        node.processes.vanish(infra);
        node.processes.reuse(infra);

        SandboxManager after = node.manager();
        after.recover();
        after.stop(pod.id());

        assertThat(after.status(pod.id()).isReady()).isFalse();
        assertThat(node.processes.running()).as("a stranger with the old pid is not killed").containsExactly(infra);
    }

    @Test
    void recover_namespacePinGone_notReady() throws Exception {
        PodSandbox pod = before.run(podRequest("web"), () -> false);
        Path netns = node.namespaces.pinPath(pod.id(), NamespaceType.NET);
        node.mounts.unmount(netns); // as a reboot empties the state tmpfs

        SandboxManager after = node.manager();
        after.recover();

        assertThat(after.status(pod.id()).state()).isEqualTo(new SandboxState.NotReady("net namespace pin " + netns + " is gone"));
    }

    @Test
    void recover_creatingRecord_everyStepUndoneAndRecordGone() throws Exception {
        PodSandbox pod = before.run(podRequest("web"), () -> false);
        // As a gantryd killed before READY was written: no attachment, cgroup or infra process recorded.
        node.rewrite(pod.id(), p -> p.withState(SandboxState.CREATING).withNetwork(PodNetwork.namespace(p.network().namespacePath()))
                .withResources(false, Optional.empty()));

        SandboxManager after = node.manager();
        SandboxRecovery.Report report = after.recover();

        assertThat(report).isEqualTo(new SandboxRecovery.Report(0, 0, 1, 0));
        assertThatThrownBy(() -> after.status(pod.id())).hasMessageContaining("not found");
        assertThat(node.records()).isEmpty();
        assertThat(node.cniCalls).as("DEL on the network configured now").containsExactly("ADD " + pod.id(), "DEL " + pod.id());
        assertThat(node.leftovers()).as("infra process killed, pins, /dev/shm, cgroup and pod dir removed").isEmpty();
    }

    @Test
    void recover_creatingRecordWhoseUndoFails_leftNotReadyForTheKubelet() throws Exception {
        PodSandbox pod = before.run(podRequest("web"), () -> false);
        node.rewrite(pod.id(), p -> p.withState(SandboxState.CREATING));
        node.failCniDel(true);

        SandboxManager after = node.manager();
        after.recover();

        assertThat(after.status(pod.id()).state())
                .isEqualTo(new SandboxState.NotReady("creation interrupted by a gantryd restart"));
        node.heal();
        after.remove(pod.id());
        assertThat(node.leftovers()).isEmpty();
    }

    @Test
    void recover_pinsShmAndProcessWithoutRecord_cniDelKilledAndRemoved() throws Exception {
        PodSandbox kept = before.run(podRequest("kept"), () -> false);
        // As a gantryd killed after pinning, starting CNI ADD and the infra process, before the record reached the disk.
        String orphan = Ids.random();
        Map<NamespaceType, Path> pins = node.namespaces.create(orphan, EnumSet.of(NamespaceType.NET, NamespaceType.IPC), "");
        node.attachments.put(orphan, pins.get(NamespaceType.NET));
        long leftover = node.processes.start(Set.copyOf(pins.values()));
        Path shm = Files.createDirectories(node.shmBase.resolve(orphan));
        node.mounts.mountTmpfs(shm, "size=1m");

        SandboxManager after = node.manager();
        SandboxRecovery.Report report = after.recover();

        assertThat(report).isEqualTo(new SandboxRecovery.Report(1, 0, 0, 1));
        assertThat(node.cniCalls).containsExactly("ADD " + kept.id(), "DEL " + orphan);
        assertThat(node.processes.running()).doesNotContain(leftover);
        assertThat(node.namespaces.pinned()).containsExactly(kept.id());
        assertThat(node.mounts.isMountPoint(shm)).isFalse();
        assertThat(shm).doesNotExist();
        assertThat(after.status(kept.id()).isReady()).as("a claimed pod is left alone").isTrue();
    }

    @Test
    void recover_unreadableRecord_podDirAndLeftoversRemoved() throws Exception {
        String broken = Ids.random();
        Path dir = Files.createDirectories(node.root.resolve("pods").resolve(broken));
        Files.writeString(dir.resolve("pod.json"), "{\"version\":1,");
        node.namespaces.create(broken, EnumSet.of(NamespaceType.IPC), "");

        SandboxRecovery.Report report = node.manager().recover();

        assertThat(report.orphansRemoved()).isEqualTo(1);
        assertThat(node.leftovers()).isEmpty();
    }
}
