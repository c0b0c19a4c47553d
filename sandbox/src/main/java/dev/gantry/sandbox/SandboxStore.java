package dev.gantry.sandbox;

import dev.gantry.common.store.RecordStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The pod sandboxes this node knows, persisted one record per pod in {@code <root>/pods/<id>/pod.json}
 * ({@link RecordStore}): written before visible, read from memory, the pod's reserved name
 * ({@code name_namespace_uid_attempt}) held from {@link #create} until {@link #remove}.
 */
public final class SandboxStore extends RecordStore<PodSandbox> {

    static final String RECORD = "pod.json";

    /** Which sandboxes {@link #list(Filter)} returns; empty parts match everything. */
    public record Filter(Optional<String> idPrefix, Optional<Class<? extends SandboxState>> state, Map<String, String> labelSelector) {
        public Filter {
            Objects.requireNonNull(idPrefix, "idPrefix");
            Objects.requireNonNull(state, "state");
            labelSelector = Map.copyOf(labelSelector);
        }

        public static Filter all() {
            return new Filter(Optional.empty(), Optional.empty(), Map.of());
        }

        boolean matches(PodSandbox pod) {
            return idPrefix.map(p -> pod.id().startsWith(p.toLowerCase(Locale.ROOT))).orElse(true)
                    && state.map(s -> s.isInstance(pod.state())).orElse(true)
                    && labelSelector.entrySet().stream().allMatch(e -> e.getValue().equals(pod.labels().get(e.getKey())));
        }
    }

    /** @param root the persistent root ({@code /var/lib/gantry}); records go under {@code root/pods} */
    public SandboxStore(Path root) {
        super(root.resolve("pods"), RECORD, "pod sandbox", "rwx--x--x", new PodRecordCodec());
    }

    public List<PodSandbox> list(Filter filter) {
        return values().stream().filter(filter::matches).toList();
    }
}
