package dev.gantry.runtime.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.gantry.cri.v1.CgroupDriver;
import dev.gantry.cri.v1.ContainerStatusRequest;
import dev.gantry.cri.v1.ContainerStatusResponse;
import dev.gantry.cri.v1.PodSandboxStatusRequest;
import dev.gantry.cri.v1.PodSandboxStatusResponse;
import dev.gantry.cri.v1.RuntimeConfigRequest;
import dev.gantry.cri.v1.RuntimeServiceGrpc;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.VersionRequest;
import dev.gantry.runtime.status.HandlerFeatures;
import dev.gantry.runtime.status.RuntimeHealth;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RuntimeServiceEndpointTest {

    private final AtomicReference<RuntimeHealth.Condition> network = new AtomicReference<>(
            new RuntimeHealth.Condition(RuntimeHealth.NETWORK_READY, false, "NetworkPluginNotReady", "no CNI config"));
    private Server server;
    private ManagedChannel channel;
    private RuntimeServiceGrpc.RuntimeServiceBlockingStub stub;

    /** Records the thread each status call ran on; the plain ones must stay on the caller's, the event loop. */
    private final ContainerStatusRpc containerStatus = mock(ContainerStatusRpc.class);
    private final PodSandboxStatusRpc podStatus = mock(PodSandboxStatusRpc.class);
    private final AtomicReference<Thread> ranOn = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        when(containerStatus.handle(any())).thenAnswer(call -> {
            ranOn.set(Thread.currentThread());
            return ContainerStatusResponse.getDefaultInstance();
        });
        when(podStatus.handle(any())).thenAnswer(call -> {
            ranOn.set(Thread.currentThread());
            return PodSandboxStatusResponse.getDefaultInstance();
        });
        var endpoint = new RuntimeServiceEndpoint(
                new VersionRpc("1.2.3"),
                new StatusRpc(new RuntimeHealth(network::get), "{\"root\":\"/var/lib/gantry\"}", java.util.List.of(
                        new HandlerFeatures("", true), new HandlerFeatures("runc", true), new HandlerFeatures("old", false))),
                new RuntimeConfigRpc(dev.gantry.linux.cgroup.CgroupDriver.SYSTEMD),
                new RuntimeServiceEndpoint.SandboxRpcs(null, null, null, podStatus, null),
                new RuntimeServiceEndpoint.ContainerRpcs(null, null, null, null, containerStatus, null, null, null, null, null, null),
                new RuntimeServiceEndpoint.StreamRpcs(null, null, null),
                new RuntimeServiceEndpoint.StatsRpcs(null, null, null), null);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(endpoint).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = RuntimeServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void version_reportsNameVersionAndApi() {
        var version = stub.version(VersionRequest.newBuilder().setVersion("0.1.0").build());

        assertThat(version.getVersion()).isEqualTo("0.1.0");
        assertThat(version.getRuntimeName()).isEqualTo("gantry");
        assertThat(version.getRuntimeVersion()).isEqualTo("1.2.3");
        assertThat(version.getRuntimeApiVersion()).isEqualTo("v1");
    }

    @Test
    void status_followsTheNetworkConditionAsItChanges() {
        var before = stub.status(StatusRequest.getDefaultInstance()).getStatus();
        network.set(RuntimeHealth.Condition.ready(RuntimeHealth.NETWORK_READY));
        var after = stub.status(StatusRequest.getDefaultInstance()).getStatus();

        assertThat(before.getConditions(0).getType()).isEqualTo("RuntimeReady");
        assertThat(before.getConditions(0).getStatus()).isTrue();
        assertThat(before.getConditions(1).getType()).isEqualTo("NetworkReady");
        assertThat(before.getConditions(1).getStatus()).isFalse();
        assertThat(before.getConditions(1).getReason()).isEqualTo("NetworkPluginNotReady");
        assertThat(before.getConditions(1).getMessage()).isEqualTo("no CNI config");
        assertThat(after.getConditions(1).getStatus()).isTrue();
    }

    @Test
    void status_features_supplementalGroupsPolicyYes_userNamespacesNo() {
        var status = stub.status(StatusRequest.getDefaultInstance());

        assertThat(status.getFeatures().getSupplementalGroupsPolicy()).isTrue();
        assertThat(status.getRuntimeHandlersList()).allSatisfy(h -> assertThat(h.getFeatures().getUserNamespaces()).isFalse());
    }

    @Test
    void status_recursiveReadOnlyMounts_asEachHandlerWasProbed() {
        assertThat(stub.status(StatusRequest.getDefaultInstance()).getRuntimeHandlersList())
                .extracting(h -> h.getName(), h -> h.getFeatures().getRecursiveReadOnlyMounts())
                .containsExactly(tuple("", true), tuple("runc", true), tuple("old", false));
    }

    @Test
    void status_listsDefaultAndConfiguredHandlers() {
        assertThat(stub.status(StatusRequest.getDefaultInstance()).getRuntimeHandlersList())
                .extracting(h -> h.getName()).containsExactly("", "runc", "old");
    }

    @Test
    void status_verboseOnly_carriesConfig() {
        assertThat(stub.status(StatusRequest.getDefaultInstance()).getInfoMap()).isEmpty();
        assertThat(stub.status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoMap())
                .containsEntry("config", "{\"root\":\"/var/lib/gantry\"}");
    }

    @Test
    void runtimeConfig_reportsConfiguredDriver() {
        assertThat(stub.runtimeConfig(RuntimeConfigRequest.getDefaultInstance()).getLinux().getCgroupDriver())
                .isEqualTo(CgroupDriver.SYSTEMD);
    }

    @Test
    void containerStatus_plain_isAnsweredOnTheCallingThread_verbose_onAVirtualThreadOfItsOwn() {
        stub.containerStatus(ContainerStatusRequest.newBuilder().setContainerId("c1").build());
        Thread plain = ranOn.get();
        stub.containerStatus(ContainerStatusRequest.newBuilder().setContainerId("c1").setVerbose(true).build());
        Thread verbose = ranOn.get();

        assertThat(plain).isSameAs(Thread.currentThread());
        assertThat(verbose.isVirtual()).isTrue();
        assertThat(verbose.getName()).isEqualTo("cri-verbose-status");
    }

    @Test
    void podSandboxStatus_plain_isAnsweredOnTheCallingThread_verbose_onAVirtualThreadOfItsOwn() {
        stub.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId("p1").build());
        Thread plain = ranOn.get();
        stub.podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId("p1").setVerbose(true).build());
        Thread verbose = ranOn.get();

        assertThat(plain).isSameAs(Thread.currentThread());
        assertThat(verbose.isVirtual()).isTrue();
    }

    @Test
    void verboseStatus_failure_reachesTheCallerWithItsStatus() throws Exception {
        when(containerStatus.handle(any())).thenThrow(new dev.gantry.runtime.errors.ContainerNotFoundException("container c9 not found"));

        var e = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.containerStatus(ContainerStatusRequest.newBuilder().setContainerId("c9").setVerbose(true).build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("c9");
    }

    @Test
    void checkpointContainer_isUnimplemented_sayingCriuIsNeeded() {
        var e = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.checkpointContainer(dev.gantry.cri.v1.CheckpointContainerRequest.newBuilder().setContainerId("x").build()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(e.getStatus().getDescription()).contains("CheckpointContainer").contains("CRIU");
    }
}
