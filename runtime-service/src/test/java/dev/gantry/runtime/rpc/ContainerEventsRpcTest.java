package dev.gantry.runtime.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerEventResponse;
import dev.gantry.cri.v1.ContainerEventType;
import dev.gantry.cri.v1.ContainerMetadata;
import dev.gantry.cri.v1.GetEventsRequest;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.cri.v1.RuntimeServiceGrpc;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerEvent;
import dev.gantry.runtime.container.ContainerEvents;
import dev.gantry.runtime.container.ContainerState;
import dev.gantry.runtime.status.HandlerFeatures;
import dev.gantry.runtime.status.RuntimeHealth;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerEventsRpcTest {

    private static final String POD = "b".repeat(64);
    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    private final ContainerEvents events = new ContainerEvents();
    private final Map<String, List<Container>> podMembers = new java.util.concurrent.ConcurrentHashMap<>();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        var endpoint = new RuntimeServiceEndpoint(new VersionRpc("1"),
                new StatusRpc(new RuntimeHealth(() -> RuntimeHealth.Condition.ready(RuntimeHealth.NETWORK_READY)), "{}", List.of(new HandlerFeatures("", false), new HandlerFeatures("runc", false))),
                new RuntimeConfigRpc(dev.gantry.linux.cgroup.CgroupDriver.CGROUPFS),
                new RuntimeServiceEndpoint.SandboxRpcs(null, null, null, null, null),
                new RuntimeServiceEndpoint.ContainerRpcs(null, null, null, null, null, null, null, null,
                        new ContainerEventsRpc(events, pod -> podMembers.getOrDefault(pod, List.of()), pod -> Optional.empty()),
                        null, null),
                new RuntimeServiceEndpoint.StreamRpcs(null, null, null),
                new RuntimeServiceEndpoint.StatsRpcs(null, null, null), null);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(endpoint).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void events_arriveInOrder_withEveryContainerOfThePod() {
        Collector collector = subscribe();
        Container web = container("a".repeat(64), "web", new ContainerState.Created());
        Container sidecar = container("c".repeat(64), "sidecar", new ContainerState.Running(AT));
        podMembers.put(POD, List.of(web, sidecar));

        events.publish(new ContainerEvent(ContainerEvent.Type.CREATED, web, AT));
        Container running = web.withState(new ContainerState.Running(AT));
        events.publish(new ContainerEvent(ContainerEvent.Type.STARTED, running, AT.plusSeconds(1)));

        assertThat(collector.received).extracting(ContainerEventResponse::getContainerEventType)
                .containsExactly(ContainerEventType.CONTAINER_CREATED_EVENT, ContainerEventType.CONTAINER_STARTED_EVENT);
        ContainerEventResponse started = collector.received.get(1);
        assertThat(started.getContainerId()).isEqualTo(web.id());
        assertThat(started.getCreatedAt()).isEqualTo(AT.plusSeconds(1).getEpochSecond() * 1_000_000_000L);
        assertThat(started.getContainersStatusesList()).extracting(s -> s.getId() + " " + s.getState())
                .containsExactlyInAnyOrder(sidecar.id() + " CONTAINER_RUNNING", web.id() + " CONTAINER_RUNNING");
        assertThat(started.hasPodSandboxStatus()).isFalse();
    }

    @Test
    void cancel_byTheClient_endsTheSubscription() {
        Collector collector = subscribe();
        assertThat(events.subscriberCount()).isEqualTo(1);

        collector.call.get().cancel("kubelet restarting", null);
        events.publish(new ContainerEvent(ContainerEvent.Type.CREATED, container("a".repeat(64), "web", new ContainerState.Created()), AT));

        assertThat(events.subscriberCount()).isZero();
        assertThat(collector.received).isEmpty();
    }

    private Collector subscribe() {
        Collector collector = new Collector();
        RuntimeServiceGrpc.newStub(channel).getContainerEvents(GetEventsRequest.getDefaultInstance(), collector);
        return collector;
    }

    private static Container container(String id, String name, ContainerState state) {
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage("busybox"))
                .build();
        return new Container(id, POD, name + "_p_ns_uid_0", config, "busybox", "sha256:" + "d".repeat(64), "busybox@sha256:x",
                AT, "", "/gantry/gantry-" + id, "runc", 15, LinuxContainerResources.getDefaultInstance(), 0, 0, List.of(), 1,
                state, false);
    }

    private static final class Collector implements ClientResponseObserver<GetEventsRequest, ContainerEventResponse> {
        final List<ContainerEventResponse> received = new CopyOnWriteArrayList<>();
        final AtomicReference<ClientCallStreamObserver<GetEventsRequest>> call = new AtomicReference<>();

        @Override
        public void beforeStart(ClientCallStreamObserver<GetEventsRequest> requestStream) {
            call.set(requestStream);
        }

        @Override
        public void onNext(ContainerEventResponse value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
