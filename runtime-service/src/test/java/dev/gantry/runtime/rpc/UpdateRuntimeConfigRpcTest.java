package dev.gantry.runtime.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.cri.v1.NetworkConfig;
import dev.gantry.cri.v1.RuntimeConfig;
import dev.gantry.cri.v1.RuntimeServiceGrpc;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.UpdateRuntimeConfigRequest;
import dev.gantry.runtime.status.HandlerFeatures;
import dev.gantry.runtime.status.RuntimeHealth;
import dev.gantry.sandbox.net.PodCidrs;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** UpdateRuntimeConfig over the real endpoint: validated, remembered, shown by verbose Status. */
class UpdateRuntimeConfigRpcTest {

    private final PodCidrs podCidrs = new PodCidrs();
    private Server server;
    private ManagedChannel channel;
    private RuntimeServiceGrpc.RuntimeServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        var endpoint = new RuntimeServiceEndpoint(
                new VersionRpc("1.2.3"),
                new StatusRpc(new RuntimeHealth(() -> RuntimeHealth.Condition.ready(RuntimeHealth.NETWORK_READY)), "{}",
                        List.of(new HandlerFeatures("", false), new HandlerFeatures("runc", false)), podCidrs::current),
                new RuntimeConfigRpc(dev.gantry.linux.cgroup.CgroupDriver.CGROUPFS),
                new RuntimeServiceEndpoint.SandboxRpcs(null, null, null, null, null),
                new RuntimeServiceEndpoint.ContainerRpcs(null, null, null, null, null, null, null, null, null, null, null),
                new RuntimeServiceEndpoint.StreamRpcs(null, null, null),
                new RuntimeServiceEndpoint.StatsRpcs(null, null, null),
                new UpdateRuntimeConfigRpc(podCidrs));
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

    private static UpdateRuntimeConfigRequest podCidr(String cidr) {
        return UpdateRuntimeConfigRequest.newBuilder()
                .setRuntimeConfig(RuntimeConfig.newBuilder().setNetworkConfig(NetworkConfig.newBuilder().setPodCidr(cidr)))
                .build();
    }

    private String verboseCidrs() {
        return stub.status(StatusRequest.newBuilder().setVerbose(true).build()).getInfoMap().get("podCIDRs");
    }

    @Test
    void update_validCidr_okRememberedAndReported() {
        assertThat(verboseCidrs()).isEqualTo("[]");

        stub.updateRuntimeConfig(podCidr("10.244.1.0/24,fd00:1::/64"));

        assertThat(podCidrs.current()).containsExactly("10.244.1.0/24", "fd00:1::/64");
        assertThat(verboseCidrs()).isEqualTo("[\"10.244.1.0/24\",\"fd00:1::/64\"]");
    }

    @Test
    void update_empty_okAndClears() {
        stub.updateRuntimeConfig(podCidr("10.244.1.0/24"));

        stub.updateRuntimeConfig(podCidr(""));
        stub.updateRuntimeConfig(UpdateRuntimeConfigRequest.getDefaultInstance());

        assertThat(podCidrs.current()).isEmpty();
    }

    @Test
    void update_garbage_invalidArgument_previousKept() {
        stub.updateRuntimeConfig(podCidr("10.244.1.0/24"));

        var e = catchThrowableOfType(StatusRuntimeException.class, () -> stub.updateRuntimeConfig(podCidr("10.244.1.0/99")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("pod CIDR \"10.244.1.0/99\"");
        assertThat(podCidrs.current()).containsExactly("10.244.1.0/24");
    }
}
