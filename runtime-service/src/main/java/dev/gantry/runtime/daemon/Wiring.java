package dev.gantry.runtime.daemon;

import dev.gantry.cri.v1.ImageServiceGrpc;
import dev.gantry.runtime.rpc.RuntimeConfigRpc;
import dev.gantry.runtime.rpc.RuntimeServiceEndpoint;
import dev.gantry.runtime.rpc.StatusRpc;
import dev.gantry.runtime.rpc.VersionRpc;
import dev.gantry.runtime.status.RuntimeHealth;
import io.grpc.BindableService;
import java.util.List;

/** Builds the object graph with plain constructors: the one place that knows who gets what. */
final class Wiring {

    /** NetworkReady until CNI support lands: false, with the reason the kubelet expects. */
    static final RuntimeHealth.Condition NO_CNI = new RuntimeHealth.Condition(
            RuntimeHealth.NETWORK_READY, false, "NetworkPluginNotReady",
            "pod networking (CNI) is not available in this gantryd yet");

    private Wiring() {}

    static List<BindableService> services(LoadedConfig loaded) {
        GantryConfig config = loaded.config();
        var health = new RuntimeHealth(() -> NO_CNI);
        var runtime = new RuntimeServiceEndpoint(
                new VersionRpc(BuildInfo.version()),
                new StatusRpc(health, loaded.effectiveJson()),
                new RuntimeConfigRpc(config.cgroupDriver()));
        // Served so clients reach it; every RPC answers UNIMPLEMENTED naming itself until images land.
        var images = new ImageServiceGrpc.ImageServiceImplBase() {};
        return List.of(runtime, images);
    }
}
