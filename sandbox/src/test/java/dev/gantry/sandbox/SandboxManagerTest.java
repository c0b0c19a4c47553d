package dev.gantry.sandbox;

import static dev.gantry.sandbox.FakeNode.hostNetworkRequest;
import static dev.gantry.sandbox.FakeNode.podRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.linux.ns.NamespaceType;
import dev.gantry.sandbox.files.DnsConfig;
import dev.gantry.sandbox.infra.InfraPid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RunPodSandbox, Stop and Remove on a {@link FakeNode}: what is recorded, what the node holds
 * afterwards, and what a failed step leaves (nothing). {@code SandboxManagerIT} runs the same
 * lifecycle on the real kernel.
 */
class SandboxManagerTest {

    @TempDir
    Path tmp;

    private FakeNode node;
    private SandboxManager manager;

    @BeforeEach
    void setUp() throws Exception {
        node = new FakeNode(tmp);
        manager = node.manager();
        manager.recover();
    }

    @Test
    void run_podNetwork_readyRecordWithIpsPinsShmInfraAndFiles() throws Exception {
        PodSandbox pod = manager.run(podRequest("web"), () -> false);

        assertThat(pod.isReady()).isTrue();
        assertThat(pod.network().ips()).as("IPv4 first").containsExactly("10.213.7.9", "fd00:213::9");
        assertThat(pod.network().cniNetworkName()).isEqualTo(FakeNode.NETWORK);
        assertThat(pod.paths().namespacePaths()).containsOnlyKeys("net", "ipc", "uts");
        assertThat(node.mounts.isMountPoint(Path.of(pod.paths().shmPath()))).isTrue();
        assertThat(pod.cgroupCreated()).isTrue();
        assertThat(node.cgroups).containsExactly("/kubepods/pod-web");
        InfraPid infra = pod.infra().orElseThrow();
        assertThat(node.processes.running()).containsExactly(infra.pid());
        assertThat(node.system.infra().isAlive(infra)).isTrue();
        assertThat(node.processes.namespaceMembers(node.namespaces.pinPath(pod.id(), NamespaceType.NET), "net"))
                .as("the infra process joined the pod's pinned namespaces").containsExactly(infra.pid());
        assertThat(node.attachments).containsEntry(pod.id(), Path.of(pod.network().namespacePath()));
        Path podDir = Path.of(pod.paths().podDirectory());
        assertThat(Files.readString(podDir.resolve("hostname"))).isEqualTo("web\n");
        assertThat(Files.readString(podDir.resolve("hosts"))).contains("10.213.7.9\tweb");
        assertThat(Files.readString(podDir.resolve("resolv.conf"))).contains("nameserver 10.96.0.10");
        assertThat(node.records()).as("the record on disk is the one returned").containsExactly(pod);
        assertThat(manager.status(pod.id().substring(0, 12))).isEqualTo(pod);
        assertThat(manager.list(SandboxStore.Filter.all())).containsExactly(pod);
    }

    @Test
    void run_hostNetwork_noCniOnlyIpcPinnedNodeHostname() throws Exception {
        PodSandbox pod = manager.run(hostNetworkRequest("host"), () -> false);

        assertThat(pod.isReady()).isTrue();
        assertThat(pod.network().hostNetwork()).isTrue();
        assertThat(pod.network().ips()).isEmpty();
        assertThat(pod.paths().namespacePaths()).containsOnlyKeys("ipc");
        assertThat(pod.hostname()).isEqualTo(FakeNode.NODE_HOSTNAME);
        assertThat(pod.infra()).isEmpty();
        assertThat(node.cniCalls).isEmpty();
    }

    @Test
    void run_badHostname_invalidArgumentBeforeAnythingIsMade() throws Exception {
        SandboxRequest bad = new SandboxRequest(new SandboxMetadata("web", "default", "u", 0), "Bad_Host!", "",
                DnsConfig.NONE, List.of(), Map.of(), Map.of(), "runc", "",
                new NamespaceOptions(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD), Map.of());

        assertThatThrownBy(() -> manager.run(bad, () -> false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));

        assertThat(node.records()).isEmpty();
        assertThat(node.leftovers()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(FakeNode.Step.class)
    void run_stepFails_everyStepUndoneNoRecordNameFree(FakeNode.Step step) throws Exception {
        node.failAt(step);

        assertThatThrownBy(() -> manager.run(podRequest("web"), () -> false)).hasMessageContaining("injected failure");

        assertThat(manager.list(SandboxStore.Filter.all())).isEmpty();
        assertThat(node.records()).isEmpty();
        assertThat(node.leftovers()).isEmpty();
        node.heal();
        assertThat(manager.run(podRequest("web"), () -> false).isReady()).as("the name is free again").isTrue();
    }

    @Test
    void run_cniAddFails_delUndoesTheHalfMadeAttachment() throws Exception {
        node.failAt(FakeNode.Step.CNI_ADD);

        assertThatThrownBy(() -> manager.run(podRequest("web"), () -> false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL))
                .hasMessage("CNI plugin fakenet ADD failed: code 11: injected failure");

        assertThat(node.cniCalls).hasSize(2).last().asString().startsWith("DEL ");
        assertThat(node.leftovers()).isEmpty();
    }

    @Test
    void run_undoFailsToo_recordLeftNotReadyAndStopRemoveFinishIt() throws Exception {
        node.failAt(FakeNode.Step.INFRA);
        node.failCniDel(true);

        assertThatThrownBy(() -> manager.run(podRequest("web"), () -> false)).hasMessageContaining("injected failure");

        PodSandbox left = manager.list(SandboxStore.Filter.all()).getFirst();
        assertThat(left.state()).isInstanceOfSatisfying(SandboxState.NotReady.class, s -> assertThat(s.reason())
                .contains("injected failure").contains("not undone: CNI DEL"));
        assertThat(left.network().cniNetworkName()).as("named, so Stop runs the DEL").isEqualTo(FakeNode.NETWORK);
        assertThat(node.records()).containsExactly(left);
        assertThat(node.attachments).containsKey(left.id());
        assertThat(node.cgroups).as("the other undos still ran").isEmpty();

        node.heal();
        manager.stop(left.id());
        assertThat(node.attachments).isEmpty();
        manager.remove(left.id());
        assertThat(node.leftovers()).isEmpty();
    }

    @Test
    void stop_twice_notReadyIpsKeptNetworkAndInfraGoneNamespacesKept() throws Exception {
        PodSandbox pod = manager.run(podRequest("web"), () -> false);

        manager.stop(pod.id());
        PodSandbox stopped = manager.status(pod.id());
        manager.stop(pod.id());

        assertThat(stopped.state()).isEqualTo(new SandboxState.NotReady(SandboxTeardown.STOPPED));
        assertThat(stopped.network().ips()).as("IPs stay reported after stop").containsExactly("10.213.7.9", "fd00:213::9");
        assertThat(stopped.network().cniNetworkName()).isEmpty();
        assertThat(stopped.infra()).isEmpty();
        assertThat(node.attachments).isEmpty();
        assertThat(node.processes.running()).isEmpty();
        assertThat(node.processes.zombies()).as("our child is reaped").isEmpty();
        assertThat(node.mounts.isMountPoint(Path.of(pod.paths().shmPath()))).isFalse();
        assertThat(node.namespaces.pinned()).as("namespaces stay until Remove").containsExactly(pod.id());
        assertThat(manager.status(pod.id())).as("the second stop changes nothing").isEqualTo(stopped);
        assertThat(node.records()).containsExactly(stopped);
        assertThat(node.cniCalls).containsExactly("ADD " + pod.id(), "DEL " + pod.id());
    }

    @Test
    void stopAndRemove_unknownId_ok() throws Exception {
        manager.stop("0123456789ab");
        manager.remove("0123456789ab");

        assertThat(node.cniCalls).isEmpty();
    }

    @Test
    void remove_afterStopAndTwice_nothingLeftAndNotFound() throws Exception {
        PodSandbox pod = manager.run(podRequest("web"), () -> false);
        manager.stop(pod.id());

        manager.remove(pod.id());
        manager.remove(pod.id());

        assertThatThrownBy(() -> manager.status(pod.id()))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
        assertThat(node.records()).isEmpty();
        assertThat(node.leftovers()).isEmpty();
        assertThat(manager.run(podRequest("web"), () -> false).id()).as("the name is free again").isNotEqualTo(pod.id());
    }

    /** Sandboxes that name the same parent: the one that made it must not fail RemovePodSandbox on the others' cgroups. */
    @Test
    void remove_podWhoseCgroupParentOthersUse_succeedsAndKeepsTheParent() throws Exception {
        PodSandbox pod = manager.run(podRequest("web"), () -> false);
        assertThat(pod.cgroupCreated()).isTrue();
        node.cgroups.add("/kubepods/pod-web/gantry-of-another-pod"); // a container of a later sandbox with the same parent

        manager.remove(pod.id());

        assertThat(node.records()).isEmpty();
        assertThat(node.cgroups).containsExactlyInAnyOrder("/kubepods/pod-web", "/kubepods/pod-web/gantry-of-another-pod");
    }

    @Test
    void remove_readyPod_stopsItFirst() throws Exception {
        PodSandbox pod = manager.run(podRequest("web"), () -> false);

        manager.remove(pod.id());

        assertThat(node.cniCalls).containsExactly("ADD " + pod.id(), "DEL " + pod.id());
        assertThat(node.system.infra().isAlive(pod.infra().orElseThrow())).isFalse();
        assertThat(node.leftovers()).isEmpty();
    }

    @Test
    void run_sameNameTwice_alreadyExistsNamingHolder() throws Exception {
        PodSandbox first = manager.run(podRequest("web"), () -> false);

        assertThatThrownBy(() -> manager.run(podRequest("web"), () -> false))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS))
                .hasMessage("pod sandbox name web_default_uid-web_0 is reserved by sandbox " + first.id());
        assertThat(node.records()).hasSize(1);
    }

    @Test
    void run_callerGaveUp_kubeletRetryGetsTheSamePodOnce() throws Exception {
        PodSandbox abandoned = manager.run(podRequest("web"), () -> true);

        PodSandbox retried = manager.run(podRequest("web"), () -> false);

        assertThat(retried).isEqualTo(abandoned);
        assertThat(node.cniCalls).as("built once").containsExactly("ADD " + abandoned.id());
        assertThatThrownBy(() -> manager.run(podRequest("web"), () -> false))
                .hasMessageContaining("is reserved by sandbox " + abandoned.id());
    }

    @Test
    void run_retriedWhileFirstStillBuilding_waitsAndGetsThatPod() throws Exception {
        CountDownLatch cniAdd = node.holdCniAdd();
        AtomicBoolean firstCallerGone = new AtomicBoolean();
        AtomicReference<PodSandbox> first = new AtomicReference<>();
        Thread firstRun = Thread.ofPlatform().start(() -> {
            try {
                first.set(manager.run(podRequest("web"), firstCallerGone::get));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        while (firstRun.getState() != Thread.State.TIMED_WAITING && firstRun.isAlive()) {
            Thread.onSpinWait(); // the first run has recorded CREATING and waits in CNI ADD
        }
        AtomicReference<PodSandbox> retried = new AtomicReference<>();
        Thread retry = Thread.ofPlatform().start(() -> {
            try {
                retried.set(manager.run(podRequest("web"), () -> false));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        while (retry.getState() != Thread.State.WAITING && retry.isAlive()) {
            Thread.onSpinWait(); // parked on the pod's lock
        }

        firstCallerGone.set(true); // the kubelet's deadline passed
        cniAdd.countDown();
        firstRun.join();
        retry.join();

        assertThat(retried.get()).isNotNull().isEqualTo(first.get());
        assertThat(retried.get().isReady()).isTrue();
        assertThat(node.records()).hasSize(1);
    }

    /**
     * The kubelet's retry looked for the name before its timed-out first call had recorded the pod,
     * so both went on to build: the retry's record is refused, its attempt undone, and it gets the
     * first call's pod all the same, not ALREADY_EXISTS.
     */
    @Test
    void run_retryLookedBeforeTheFirstRecorded_getsTheFirstsPod() throws Exception {
        CountDownLatch bothLooked = new CountDownLatch(1);
        ThreadPoolExecutor recordThread = recordThreadHeldUntil(bothLooked);
        try {
            SandboxManager racing = node.manager(recordThread);
            racing.recover();
            CompletableFuture<PodSandbox> first = runAsync(racing, () -> true); // its caller's deadline passes
            awaitQueued(recordThread, 1);
            CompletableFuture<PodSandbox> retry = runAsync(racing, () -> false);
            awaitQueued(recordThread, 2);

            bothLooked.countDown();

            PodSandbox abandoned = first.get(30, TimeUnit.SECONDS);
            assertThat(retry.get(30, TimeUnit.SECONDS)).isEqualTo(abandoned);
            assertThat(node.records()).containsExactly(abandoned);
            assertThat(racing.list(SandboxStore.Filter.all())).containsExactly(abandoned);
        } finally {
            recordThread.shutdownNow();
        }
    }

    /**
     * The same race, with the retry looking once the first call's pod is READY but before that call
     * has listed it as unclaimed (it asks whether its caller left only after the build): the retry
     * waits for the first call to be done with the pod, and gets it.
     */
    @Test
    void run_retryLookingBetweenReadyAndUnclaimed_waitsForTheFirstCall() throws Exception {
        CountDownLatch bothLooked = new CountDownLatch(1);
        ThreadPoolExecutor recordThread = recordThreadHeldUntil(bothLooked);
        CountDownLatch retryDone = new CountDownLatch(1);
        try {
            SandboxManager racing = node.manager(recordThread);
            racing.recover();
            CompletableFuture<PodSandbox> first = runAsync(racing, () -> {
                // Its pod is READY now. A retry that took READY for done would fail at once; one
                // that waits for this call cannot finish before it, so this wait runs out.
                try {
                    retryDone.await(500, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return true;
            });
            awaitQueued(recordThread, 1);
            CompletableFuture<PodSandbox> retry = runAsync(racing, () -> false);
            retry.whenComplete((pod, failure) -> retryDone.countDown());
            awaitQueued(recordThread, 2);

            bothLooked.countDown();

            PodSandbox abandoned = first.get(30, TimeUnit.SECONDS);
            assertThat(retry.get(30, TimeUnit.SECONDS)).isEqualTo(abandoned);
            assertThat(node.records()).containsExactly(abandoned);
        } finally {
            recordThread.shutdownNow();
        }
    }

    /** One thread for the records, its first task holding back every record until {@code release}. */
    private static ThreadPoolExecutor recordThreadHeldUntil(CountDownLatch release) {
        ThreadPoolExecutor recordThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        recordThread.execute(() -> {
            try {
                release.await(); // until each run has looked for the name
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return recordThread;
    }

    private static CompletableFuture<PodSandbox> runAsync(SandboxManager manager, BooleanSupplier callerGone) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return manager.run(hostNetworkRequest("host"), callerGone);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, Executors.newVirtualThreadPerTaskExecutor());
    }

    private static void awaitQueued(ThreadPoolExecutor executor, int tasks) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (executor.getQueue().size() < tasks) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the runs never queued " + tasks + " records");
            }
            Thread.sleep(1);
        }
    }
}
