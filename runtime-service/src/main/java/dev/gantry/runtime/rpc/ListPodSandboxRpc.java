package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.PodSandbox;
import dev.gantry.cri.v1.PodSandboxFilter;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.sandbox.SandboxManager;
import dev.gantry.sandbox.SandboxState;
import dev.gantry.sandbox.SandboxStore;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** ListPodSandbox and StreamPodSandboxes: filtered by id (or id prefix), state and labels; from memory. */
public final class ListPodSandboxRpc {

    private final SandboxManager sandboxes;

    public ListPodSandboxRpc(SandboxManager sandboxes) {
        this.sandboxes = sandboxes;
    }

    List<PodSandbox> handle(PodSandboxFilter filter) {
        Optional<String> id = filter.getId().isEmpty() ? Optional.empty() : Optional.of(filter.getId());
        Optional<Class<? extends SandboxState>> state = !filter.hasState() ? Optional.empty()
                : Optional.of(filter.getState().getState() == PodSandboxState.SANDBOX_READY
                        ? SandboxState.Ready.class : SandboxState.NotReady.class);
        return sandboxes.list(new SandboxStore.Filter(id, state, filter.getLabelSelectorMap())).stream()
                .sorted(Comparator.comparing(dev.gantry.sandbox.PodSandbox::createdAt))
                .map(SandboxMessages::toProto)
                .toList();
    }
}
