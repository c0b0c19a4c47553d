package dev.gantry.runtime.container;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which containers ListContainers returns; empty parts match everything. Ids and pod ids match
 * by prefix, as crictl's truncated ids expect.
 */
public record ContainerFilter(Optional<String> idPrefix, Optional<Class<? extends ContainerState>> state,
                              Optional<String> podIdPrefix, Map<String, String> labelSelector) {

    public ContainerFilter {
        Objects.requireNonNull(idPrefix, "idPrefix");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(podIdPrefix, "podIdPrefix");
        labelSelector = Map.copyOf(labelSelector);
    }

    public static ContainerFilter all() {
        return new ContainerFilter(Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    boolean matches(Container c) {
        return idPrefix.map(p -> c.id().startsWith(p.toLowerCase(Locale.ROOT))).orElse(true)
                && state.map(s -> s.isInstance(c.state())).orElse(true)
                && podIdPrefix.map(p -> c.podId().startsWith(p.toLowerCase(Locale.ROOT))).orElse(true)
                && labelSelector.entrySet().stream().allMatch(e -> e.getValue().equals(c.labels().get(e.getKey())));
    }
}
