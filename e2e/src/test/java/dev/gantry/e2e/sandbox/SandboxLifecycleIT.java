package dev.gantry.e2e.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.cri.v1.PodSandbox;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxFilter;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.cri.v1.PodSandboxStateValue;
import dev.gantry.cri.v1.PodSandboxStatus;
import dev.gantry.cri.v1.RunPodSandboxRequest;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RunPodSandbox, Status, List, Stream, Stop and Remove of one pod through the real daemon and Debian's CNI plugins. */
class SandboxLifecycleIT {

    @RegisterExtension
    final TestNode node = TestNode.sandbox();

    @Test
    void run_bridgeNetwork_readyWithAnIpOfTheSubnet() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("life").putLabels("tier", "web").putAnnotations("e2e/note", "kept as given").build();

        String id = pods.run(config);

        PodSandboxStatus status = pods.status(id);
        assertThat(status.getId()).isEqualTo(id);
        assertThat(status.getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(status.getMetadata()).isEqualTo(config.getMetadata());
        assertThat(status.getCreatedAt()).isPositive();
        assertThat(status.getNetwork().getIp()).startsWith(node.network().v4Prefix());
        assertThat(status.getLabelsMap()).containsAllEntriesOf(config.getLabelsMap());
        assertThat(status.getAnnotationsMap()).isEqualTo(config.getAnnotationsMap());
        PodInfo info = pods.info(id);
        assertThat(info.ipv4()).isEqualTo(status.getNetwork().getIp());
        assertThat(info.netnsPath()).isEqualTo(node.daemon().state().resolve("ns/net").resolve(id).toString());
        assertThat(info.cgroupParent()).isEqualTo(config.getLinux().getCgroupParent());
        assertThat(info.cniResult()).as("raw CNI result").isNotNull();
    }

    @Test
    void list_filters_selectByIdStateAndLabels() {
        PodCalls pods = new PodCalls(node.start());
        String web = pods.run(node.pod("web").putLabels("tier", "web").build());
        String db = pods.run(node.pod("db").putLabels("tier", "db").build());
        pods.stop(db);

        assertThat(ids(pods.list())).containsExactlyInAnyOrder(web, db);
        assertThat(ids(pods.list(PodSandboxFilter.newBuilder().setId(web).build()))).containsExactly(web);
        assertThat(ids(pods.list(state(PodSandboxState.SANDBOX_READY)))).containsExactly(web);
        assertThat(ids(pods.list(state(PodSandboxState.SANDBOX_NOTREADY)))).containsExactly(db);
        assertThat(ids(pods.list(PodSandboxFilter.newBuilder().putLabelSelector("tier", "db").build()))).containsExactly(db);
        assertThat(ids(pods.list(PodSandboxFilter.newBuilder().putLabelSelector("tier", "db")
                .setState(PodSandboxStateValue.newBuilder().setState(PodSandboxState.SANDBOX_READY)).build()))).isEmpty();
        assertThat(ids(pods.list(PodSandboxFilter.newBuilder().setId("0000000000000000").build()))).isEmpty();
    }

    @Test
    void stream_filters_sameSandboxesAsList() {
        PodCalls pods = new PodCalls(node.start());
        String web = pods.run(node.pod("web").putLabels("tier", "web").build());
        String db = pods.run(node.pod("db").putLabels("tier", "db").build());

        assertThat(ids(pods.stream(PodSandboxFilter.getDefaultInstance()))).containsExactlyInAnyOrder(web, db);
        assertThat(ids(pods.stream(PodSandboxFilter.newBuilder().putLabelSelector("tier", "web").build()))).containsExactly(web);
        assertThat(pods.stream(PodSandboxFilter.getDefaultInstance())).containsExactlyInAnyOrderElementsOf(pods.list());
    }

    @Test
    void stopAndRemove_twice_okThenNotFound() {
        PodCalls pods = new PodCalls(node.start());
        String id = pods.run(node.pod("twice").build());

        pods.stop(id);
        pods.stop(id);
        assertThat(pods.status(id).getState()).isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
        pods.remove(id);
        pods.remove(id);

        assertThatThrownBy(() -> pods.status(id)).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(pods.list()).isEmpty();
    }

    @Test
    void stopAndRemove_unknownId_ok() {
        PodCalls pods = new PodCalls(node.start());

        pods.stop("feedfacefeedface");
        pods.remove("feedfacefeedface");

        assertThatThrownBy(() -> pods.status("feedfacefeedface")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void remove_readyPod_stopsItFirst() {
        PodCalls pods = new PodCalls(node.start());
        String id = pods.run(node.pod("direct").build());
        PodInfo info = pods.info(id);

        pods.remove(id);

        assertThat(pods.list()).isEmpty();
        assertThat(Leftovers.of(info, node)).isEmpty();
    }

    @Test
    void run_sameMetadataTwice_alreadyExistsNamingTheFirst() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("dup").build();
        String id = pods.run(config);

        assertThatThrownBy(() -> pods.run(config)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            assertThat(e.getStatus().getDescription()).contains(id);
        });
        assertThat(ids(pods.list())).containsExactly(id);
    }

    @Test
    void run_sameMetadataAfterRemove_newSandbox() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("again").build();
        String first = pods.run(config);
        pods.remove(first);

        String second = pods.run(config);

        assertThat(second).isNotEqualTo(first);
        assertThat(ids(pods.list())).containsExactly(second);
    }

    /**
     * The kubelet gives up on a slow RunPodSandbox and asks again with the same config: the retry
     * gets the sandbox the first call made (or is making), never a second one. Short deadlines are
     * tried until one expires at the client; a first call that made it in time makes the "retry" a
     * plain duplicate, answered ALREADY_EXISTS.
     */
    @Test
    void run_retriedAfterDeadline_sameSingleSandbox() throws InterruptedException {
        PodCalls pods = new PodCalls(node.start());
        int expired = 0;
        for (long deadlineMillis : new long[] {5, 20, 60, 150, 400}) {
            PodSandboxConfig config = node.pod("retry-" + deadlineMillis).build();
            String first = null;
            try {
                first = node.client().runtime().withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                        .runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
                expired++;
            }
            if (first != null) {
                // Ready close to the deadline, the daemon could not tell whether the answer arrived in time:
                // it may hand the same sandbox to one identical retry, never a second sandbox.
                String again = runOrAlreadyExists(pods, config);
                if (again != null) {
                    assertThat(again).isEqualTo(first);
                    assertThat(runOrAlreadyExists(pods, config)).as("a second retry").isNull();
                }
                continue;
            }

            String retried = pods.run(config);

            Thread.sleep(200); // a first call still running in the daemon has its chance to make a second pod
            List<PodSandbox> named = pods.list().stream()
                    .filter(p -> p.getMetadata().equals(config.getMetadata())).toList();
            assertThat(ids(named)).as("pods named %s", config.getMetadata().getName()).containsExactly(retried);
            assertThat(pods.status(retried).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        }
        assertThat(expired).as("RunPodSandbox calls that ran out of time at the client").isPositive();
    }

    /** The kubelet recreates a pod's sandbox with attempt + 1 while the old one still exists NOTREADY. */
    @Test
    void run_nextAttemptWhileOldExists_secondSandbox() {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig first = node.pod("attempts").build();
        String old = pods.run(first);
        pods.stop(old);
        PodSandboxConfig.Builder next = first.toBuilder();
        next.getMetadataBuilder().setAttempt(1);

        String renewed = pods.run(next.build());

        assertThat(renewed).isNotEqualTo(old);
        assertThat(ids(pods.list())).containsExactlyInAnyOrder(old, renewed);
        assertThat(pods.status(renewed).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(pods.status(renewed).getMetadata().getAttempt()).isEqualTo(1);
    }

    /** Several callers at once with one config: one sandbox; the others get it or are told it exists. */
    @Test
    void run_sameMetadataConcurrently_oneSandbox() throws Exception {
        PodCalls pods = new PodCalls(node.start());
        PodSandboxConfig config = node.pod("racing").build();
        List<Future<String>> calls = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(6)) {
            for (int i = 0; i < 6; i++) {
                calls.add(threads.submit(() -> {
                    try {
                        return pods.run(config);
                    } catch (StatusRuntimeException e) {
                        assertThat(e.getStatus().getCode()).as(e.getStatus().toString())
                                .isIn(Status.Code.ALREADY_EXISTS, Status.Code.ABORTED);
                        return null;
                    }
                }));
            }
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> call : calls) {
            String id = call.get();
            if (id != null) {
                ids.add(id);
            }
        }

        assertThat(Set.copyOf(ids)).hasSize(1);
        assertThat(ids(pods.list())).containsExactly(ids.get(0));
        assertThat(pods.status(ids.get(0)).getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
    }

    /** The kubelet's Stop and Remove may overlap (a retry, the garbage collector): all succeed, nothing is left. */
    @Test
    void stopAndRemove_concurrently_allOkAndNothingLeft() throws Exception {
        PodCalls pods = new PodCalls(node.start());
        String id = pods.run(node.pod("overlap").build());
        PodInfo info = pods.info(id);
        List<Future<?>> calls = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(6)) {
            for (int i = 0; i < 3; i++) {
                calls.add(threads.submit(() -> pods.stop(id)));
                calls.add(threads.submit(() -> pods.remove(id)));
            }
        }
        for (Future<?> call : calls) {
            call.get();
        }
        pods.remove(id);

        assertThat(pods.list()).isEmpty();
        assertThat(Leftovers.of(info, node)).isEmpty();
    }

    private static PodSandboxFilter state(PodSandboxState state) {
        return PodSandboxFilter.newBuilder().setState(PodSandboxStateValue.newBuilder().setState(state)).build();
    }

    private static List<String> ids(List<PodSandbox> pods) {
        return pods.stream().map(PodSandbox::getId).toList();
    }

    /** The id a RunPodSandbox returned, or null when it failed ALREADY_EXISTS. */
    private static String runOrAlreadyExists(PodCalls pods, PodSandboxConfig config) {
        try {
            return pods.run(config);
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
            return null;
        }
    }
}
