package dev.gantry.runtime.rpc;

import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.rpc.StatusMapper;
import dev.gantry.cri.v1.ContainerEventResponse;
import dev.gantry.cri.v1.ContainerEventType;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerEvent;
import dev.gantry.runtime.container.ContainerEvents;
import dev.gantry.runtime.container.ContainerFilter;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.SandboxManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * GetContainerEvents: a stream of every container change from the moment of the call, each with
 * the pod's status and the statuses of all its containers, as the kubelet's Evented PLEG expects.
 * The stream ends when the client cancels it or the daemon stops.
 */
public final class ContainerEventsRpc {

    /** Events queued for a client that is not reading, before its stream is closed. */
    static final int MAX_BACKLOG = 10_000;

    private final ContainerEvents events;
    private final Function<String, List<Container>> containersOfPod;
    private final Function<String, Optional<PodSandbox>> pods;

    public ContainerEventsRpc(ContainerEvents events, ContainerManager containers, SandboxManager sandboxes) {
        this(events,
                podId -> containers.list(new ContainerFilter(Optional.empty(), Optional.empty(), Optional.of(podId), Map.of())),
                podId -> {
                    try {
                        return Optional.of(sandboxes.status(podId));
                    } catch (GantryException podGone) {
                        return Optional.empty();
                    }
                });
    }

    /** With the two lookups an event needs: a pod's containers, and the pod (empty once removed). */
    ContainerEventsRpc(ContainerEvents events, Function<String, List<Container>> containersOfPod,
                       Function<String, Optional<PodSandbox>> pods) {
        this.events = events;
        this.containersOfPod = containersOfPod;
        this.pods = pods;
    }

    void handle(StreamObserver<ContainerEventResponse> observer) {
        var call = (ServerCallStreamObserver<ContainerEventResponse>) observer;
        Object sending = new Object();
        int[] backlog = {0};
        boolean[] ended = {false};
        ContainerEvents.Subscription[] subscription = new ContainerEvents.Subscription[1];
        subscription[0] = events.subscribe(event -> {
            ContainerEventResponse message = toProto(event);
            synchronized (sending) {
                if (ended[0]) {
                    return;
                }
                if (call.isCancelled()) {
                    ended[0] = true;
                    subscription[0].close();
                    return;
                }
                // gRPC queues what the transport cannot take yet, without bound: a client that stopped
                // reading is cut off instead (the kubelet reconnects and relists).
                backlog[0] = call.isReady() ? 0 : backlog[0] + 1;
                if (backlog[0] > MAX_BACKLOG) {
                    ended[0] = true;
                    subscription[0].close();
                    call.onError(StatusMapper.toStatus(new EventSubscriberTooSlowException(MAX_BACKLOG), "GetContainerEvents", "")
                            .asRuntimeException());
                    return;
                }
                call.onNext(message);
            }
        });
        call.setOnCancelHandler(subscription[0]::close);
    }

    private ContainerEventResponse toProto(ContainerEvent event) {
        Container c = event.container();
        ContainerEventResponse.Builder response = ContainerEventResponse.newBuilder()
                .setContainerId(c.id())
                .setContainerEventType(switch (event.type()) {
                    case CREATED -> ContainerEventType.CONTAINER_CREATED_EVENT;
                    case STARTED -> ContainerEventType.CONTAINER_STARTED_EVENT;
                    case STOPPED -> ContainerEventType.CONTAINER_STOPPED_EVENT;
                    case DELETED -> ContainerEventType.CONTAINER_DELETED_EVENT;
                })
                .setCreatedAt(SandboxMessages.nanos(event.at()));
        // A container removed with its pod has no pod status: the event still tells which container went.
        pods.apply(c.podId()).ifPresent(pod -> response.setPodSandboxStatus(SandboxMessages.status(pod)));
        for (Container member : containersOfPod.apply(c.podId())) {
            if (!member.id().equals(c.id())) {
                response.addContainersStatuses(ContainerMessages.status(member));
            }
        }
        // The event's own container as it was at the change (for DELETED, its last record).
        response.addContainersStatuses(ContainerMessages.status(c));
        return response.build();
    }
}
