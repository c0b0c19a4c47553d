package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.RuntimeCondition;
import dev.gantry.cri.v1.RuntimeFeatures;
import dev.gantry.cri.v1.RuntimeHandler;
import dev.gantry.cri.v1.RuntimeHandlerFeatures;
import dev.gantry.cri.v1.RuntimeStatus;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.cri.v1.StatusResponse;
import dev.gantry.runtime.status.HandlerFeatures;
import dev.gantry.runtime.status.RuntimeHealth;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Status: the readiness conditions, the runtime handlers with their features, and in verbose mode
 * the effective configuration as JSON under {@code "config"} (what {@code crictl info} shows).
 */
public final class StatusRpc {

    private final RuntimeHealth health;
    private final String effectiveConfigJson;
    private final Supplier<List<HandlerFeatures>> handlers;
    private final Supplier<List<String>> podCidrs;

    /** @param handlers the runtime handlers in the order listed: the default ("") first, then each configured one */
    public StatusRpc(RuntimeHealth health, String effectiveConfigJson, List<HandlerFeatures> handlers) {
        this(health, effectiveConfigJson, handlers, List::of);
    }

    /** @param podCidrs the pod CIDRs UpdateRuntimeConfig last set, shown in verbose info as {@code "podCIDRs"} */
    public StatusRpc(RuntimeHealth health, String effectiveConfigJson, List<HandlerFeatures> handlers,
            Supplier<List<String>> podCidrs) {
        this(health, effectiveConfigJson, fixed(handlers), podCidrs);
    }

    /** @param handlers asked at each call: a configuration reload may change the handlers offered */
    public StatusRpc(RuntimeHealth health, String effectiveConfigJson, Supplier<List<HandlerFeatures>> handlers,
            Supplier<List<String>> podCidrs) {
        this.health = health;
        this.effectiveConfigJson = effectiveConfigJson;
        this.handlers = handlers;
        this.podCidrs = podCidrs;
    }

    private static Supplier<List<HandlerFeatures>> fixed(List<HandlerFeatures> handlers) {
        List<HandlerFeatures> copy = List.copyOf(handlers);
        return () -> copy;
    }

    StatusResponse handle(StatusRequest request) {
        RuntimeStatus.Builder status = RuntimeStatus.newBuilder();
        for (RuntimeHealth.Condition c : health.conditions()) {
            status.addConditions(RuntimeCondition.newBuilder()
                    .setType(c.type())
                    .setStatus(c.status())
                    .setReason(c.reason())
                    .setMessage(c.message()));
        }
        StatusResponse.Builder response = StatusResponse.newBuilder()
                .setStatus(status)
                // Containers honour the pod's SupplementalGroupsPolicy (Merge or Strict) and report ContainerUser.
                .setFeatures(RuntimeFeatures.newBuilder().setSupplementalGroupsPolicy(true));
        // The kubelet gates recursive read-only mounts on these; user namespaces stay false
        // (CreateContainer refuses them).
        for (HandlerFeatures handler : handlers.get()) {
            response.addRuntimeHandlers(RuntimeHandler.newBuilder().setName(handler.name()).setFeatures(
                    RuntimeHandlerFeatures.newBuilder().setRecursiveReadOnlyMounts(handler.recursiveReadOnlyMounts())));
        }
        if (request.getVerbose()) {
            response.putInfo("config", effectiveConfigJson);
            // A JSON array, as every info value is JSON; CIDRs need no escaping.
            response.putInfo("podCIDRs", podCidrs.get().stream().map(c -> "\"" + c + "\"").collect(Collectors.joining(",", "[", "]")));
        }
        return response.build();
    }
}
