package dev.gantry.runtime.rpc;

import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.v1.ContainerEventResponse;
import dev.gantry.cri.v1.ContainerEventType;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerEvent;
import dev.gantry.runtime.container.ContainerEvents;
import dev.gantry.runtime.container.ContainerFilter;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.sandbox.SandboxManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Optional;

/**
 * GetContainerEvents: a stream of every container change from the moment of the call, each with
 * the pod's status and the statuses of all its containers, as the kubelet's Evented PLEG expects.
 * The stream ends when the client cancels it or the daemon stops.
 */
public final class ContainerEventsRpc {

    private final ContainerEvents events;
    private final ContainerManager containers;
    private final SandboxManager sandboxes;

    public ContainerEventsRpc(ContainerEvents events, ContainerManager containers, SandboxManager sandboxes) {
        this.events = events;
        this.containers = containers;
        this.sandboxes = sandboxes;
    }

    void handle(StreamObserver<ContainerEventResponse> observer) {
        var call = (ServerCallStreamObserver<ContainerEventResponse>) observer;
        Object sending = new Object();
        ContainerEvents.Subscription[] subscription = new ContainerEvents.Subscription[1];
        subscription[0] = events.subscribe(event -> {
            ContainerEventResponse message = toProto(event);
            synchronized (sending) {
                if (call.isCancelled()) {
                    subscription[0].close();
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
        try {
            response.setPodSandboxStatus(SandboxMessages.status(sandboxes.status(c.podId())));
        } catch (GantryException podGone) {
            // Removed with its pod: the event still tells which container went.
        }
        var inPod = new ContainerFilter(Optional.empty(), Optional.empty(), Optional.of(c.podId()), java.util.Map.of());
        for (Container member : containers.list(inPod)) {
            if (!member.id().equals(c.id())) {
                response.addContainersStatuses(ContainerMessages.status(member));
            }
        }
        // The event's own container as it was at the change (for DELETED, its last record).
        response.addContainersStatuses(ContainerMessages.status(c));
        return response.build();
    }
}
