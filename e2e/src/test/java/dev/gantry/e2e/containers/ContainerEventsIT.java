package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerEventResponse;
import dev.gantry.cri.v1.ContainerEventType;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.GetEventsRequest;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.e2e.client.CriClient;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.harness.TestNode;
import io.grpc.Context;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GetContainerEvents as the kubelet's evented PLEG reads it: one event per transition, in order,
 * each carrying the pod's status and the statuses of the pod's containers.
 */
class ContainerEventsIT {

    @RegisterExtension
    final TestNode node = TestNode.containers();

    private final ExecutorService reader = Executors.newSingleThreadExecutor();
    private Context.CancellableContext subscription;

    @AfterEach
    void unsubscribe() {
        if (subscription != null) {
            subscription.cancel(null);
        }
        reader.shutdownNow();
    }

    /** Subscribes; events go to the queue until the test ends. */
    private BlockingQueue<ContainerEventResponse> subscribe(CriClient client) {
        BlockingQueue<ContainerEventResponse> events = new LinkedBlockingQueue<>();
        subscription = Context.current().withCancellation();
        var stub = client.runtime().withDeadlineAfter(10, TimeUnit.MINUTES);
        reader.submit(() -> subscription.run(() -> {
            Iterator<ContainerEventResponse> stream = stub.getContainerEvents(GetEventsRequest.getDefaultInstance());
            while (stream.hasNext()) {
                events.add(stream.next());
            }
        }));
        return events;
    }

    /** The next event for {@code containerId}, skipping others; fails after the wait. */
    private static ContainerEventResponse next(BlockingQueue<ContainerEventResponse> events, String containerId, List<ContainerEventResponse> seen)
            throws InterruptedException {
        Instant giveUp = Instant.now().plus(ContainerCalls.WAIT);
        while (Instant.now().isBefore(giveUp)) {
            ContainerEventResponse event = events.poll(200, TimeUnit.MILLISECONDS);
            if (event == null) {
                continue;
            }
            seen.add(event);
            if (event.getContainerId().equals(containerId)) {
                return event;
            }
        }
        throw new AssertionError("no further event for " + containerId + " within " + ContainerCalls.WAIT + "; seen: "
                + seen.stream().map(e -> e.getContainerId() + " " + e.getContainerEventType()).toList());
    }

    @Test
    void containerLifecycle_eventsInOrderWithStatuses() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        BlockingQueue<ContainerEventResponse> events = subscribe(node.client());
        PodSandboxConfig pod = node.pod("events").build();
        String podId = node.runPod(pod);
        List<ContainerEventResponse> seen = new ArrayList<>();
        // a probe's CREATED event proves the subscription is live before the container under test exists;
        // it keeps running, so every event of the pod has a container status to carry
        String probe = calls.run(podId, ContainerConfigs.named(pod, "probe", node.image(), "sleep", "1000").build(), pod);
        assertThat(next(events, probe, seen).getContainerEventType()).isEqualTo(ContainerEventType.CONTAINER_CREATED_EVENT);

        String id = calls.create(podId, ContainerConfigs.shell(pod, "main", node.image(), "exit 0").build(), pod);
        calls.start(id);
        calls.awaitExit(id);
        calls.remove(id);

        ContainerEventResponse created = next(events, id, seen);
        ContainerEventResponse started = next(events, id, seen);
        ContainerEventResponse stopped = next(events, id, seen);
        ContainerEventResponse deleted = next(events, id, seen);
        assertThat(List.of(created, started, stopped, deleted)).extracting(ContainerEventResponse::getContainerEventType)
                .containsExactly(ContainerEventType.CONTAINER_CREATED_EVENT, ContainerEventType.CONTAINER_STARTED_EVENT,
                        ContainerEventType.CONTAINER_STOPPED_EVENT, ContainerEventType.CONTAINER_DELETED_EVENT);
        for (ContainerEventResponse event : List.of(created, started, stopped, deleted)) {
            assertThat(event.getCreatedAt()).as("%s created_at", event.getContainerEventType()).isPositive();
            assertThat(event.hasPodSandboxStatus()).as("%s has pod_sandbox_status", event.getContainerEventType()).isTrue();
            assertThat(event.getPodSandboxStatus().getId()).isEqualTo(podId);
            assertThat(event.getPodSandboxStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
            assertThat(event.getContainersStatusesList()).as("%s containers_statuses", event.getContainerEventType())
                    .extracting(ContainerStatus::getId).contains(probe);
        }
        assertThat(stateOf(created, id)).isEqualTo(ContainerState.CONTAINER_CREATED);
        assertThat(stateOf(started, id)).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(stateOf(stopped, id)).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(created.getCreatedAt()).isLessThanOrEqualTo(started.getCreatedAt());
        assertThat(started.getCreatedAt()).isLessThanOrEqualTo(stopped.getCreatedAt());
        assertThat(stopped.getCreatedAt()).isLessThanOrEqualTo(deleted.getCreatedAt());
    }

    @Test
    void stopContainer_runningContainer_stoppedEventWithExitCode() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        BlockingQueue<ContainerEventResponse> events = subscribe(node.client());
        PodSandboxConfig pod = node.pod("stop-event").build();
        String podId = node.runPod(pod);
        List<ContainerEventResponse> seen = new ArrayList<>();
        String id = calls.create(podId, ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000").build(), pod);
        assertThat(next(events, id, seen).getContainerEventType()).isEqualTo(ContainerEventType.CONTAINER_CREATED_EVENT);
        calls.start(id);
        assertThat(next(events, id, seen).getContainerEventType()).isEqualTo(ContainerEventType.CONTAINER_STARTED_EVENT);

        calls.stop(id, 0);

        ContainerEventResponse stopped = next(events, id, seen);
        assertThat(stopped.getContainerEventType()).isEqualTo(ContainerEventType.CONTAINER_STOPPED_EVENT);
        ContainerStatus status = stopped.getContainersStatusesList().stream().filter(s -> s.getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("STOPPED event without the container's status: " + stopped));
        assertThat(status.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
        assertThat(status.getExitCode()).isEqualTo(137);
    }

    private static ContainerState stateOf(ContainerEventResponse event, String id) {
        return event.getContainersStatusesList().stream().filter(s -> s.getId().equals(id)).map(ContainerStatus::getState).findFirst()
                .orElseThrow(() -> new AssertionError(event.getContainerEventType() + " event has no status for " + id + ": "
                        + event.getContainersStatusesList().stream().map(ContainerStatus::getId).toList()));
    }
}
