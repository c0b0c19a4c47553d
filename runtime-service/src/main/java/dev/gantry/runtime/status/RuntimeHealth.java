package dev.gantry.runtime.status;

import java.util.List;
import java.util.function.Supplier;

/**
 * The conditions the kubelet reads from Status: the runtime is ready once the daemon serves, the
 * network once a usable CNI configuration exists. The kubelet keeps pods off a node whose runtime
 * reports NetworkReady false, so the reason and message are what an operator sees first.
 */
public final class RuntimeHealth {

    public static final String RUNTIME_READY = "RuntimeReady";
    public static final String NETWORK_READY = "NetworkReady";

    /** One named condition; {@code reason} and {@code message} explain a false status. */
    public record Condition(String type, boolean status, String reason, String message) {

        public static Condition ready(String type) {
            return new Condition(type, true, "", "");
        }
    }

    private final Supplier<Condition> network;

    /** @param network the current NetworkReady condition, asked afresh on every Status */
    public RuntimeHealth(Supplier<Condition> network) {
        this.network = network;
    }

    public List<Condition> conditions() {
        return List.of(Condition.ready(RUNTIME_READY), network.get());
    }
}
