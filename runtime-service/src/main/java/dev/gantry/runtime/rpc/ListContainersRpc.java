package dev.gantry.runtime.rpc;

import dev.gantry.cri.v1.ContainerFilter;
import dev.gantry.runtime.container.Container;
import dev.gantry.runtime.container.ContainerManager;
import dev.gantry.runtime.container.ContainerState;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** ListContainers and StreamContainers: by id or prefix, state, pod and labels; from memory. */
public final class ListContainersRpc {

    private final ContainerManager containers;

    public ListContainersRpc(ContainerManager containers) {
        this.containers = containers;
    }

    List<dev.gantry.cri.v1.Container> handle(ContainerFilter filter) {
        return containers.list(filter(filter)).stream()
                .sorted(Comparator.comparing(Container::createdAt))
                .map(ContainerMessages::toProto)
                .toList();
    }

    static dev.gantry.runtime.container.ContainerFilter filter(ContainerFilter filter) {
        Optional<Class<? extends ContainerState>> state = !filter.hasState() ? Optional.empty()
                : Optional.of(switch (filter.getState().getState()) {
                    case CONTAINER_CREATED -> ContainerState.Created.class;
                    case CONTAINER_RUNNING -> ContainerState.Running.class;
                    case CONTAINER_EXITED -> ContainerState.Exited.class;
                    default -> ContainerState.Creating.class; // UNKNOWN: nothing visible is in it
                });
        return new dev.gantry.runtime.container.ContainerFilter(
                filter.getId().isEmpty() ? Optional.empty() : Optional.of(filter.getId()),
                state,
                filter.getPodSandboxId().isEmpty() ? Optional.empty() : Optional.of(filter.getPodSandboxId()),
                filter.getLabelSelectorMap());
    }
}
