package dev.gantry.sandbox;

import dev.gantry.common.errors.GantryException;
import dev.gantry.common.store.RecordStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The pod sandboxes this node knows, persisted one record per pod in {@code <root>/pods/<id>/pod.json}
 * by a {@link RecordStore}: written before visible, read from memory, the pod's reserved name
 * ({@code name_namespace_uid_attempt}) held from {@link #create} until {@link #remove}.
 */
public final class SandboxStore {

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

    private final RecordStore<PodSandbox> records;

    /** @param root the persistent root ({@code /var/lib/gantry}); records go under {@code root/pods} */
    public SandboxStore(Path root) {
        this.records = new RecordStore<>(root.resolve("pods"), RECORD, "pod sandbox", "rwx--x--x", new PodRecordCodec());
    }

    /** {@code <root>/pods/<id>}: where the pod's record and files live. */
    public Path podDirectory(String id) {
        return records.directory(id);
    }

    /** Reads every record at start; see {@link RecordStore#load}. */
    public List<RecordStore.BrokenRecord> load() {
        return records.load();
    }

    /**
     * Records a new sandbox: reserves its name, creates its directory, writes its record.
     *
     * @throws dev.gantry.common.id.NameReservedException (ALREADY_EXISTS) when another sandbox holds the name
     */
    public PodSandbox create(PodSandbox pod) {
        return records.create(pod);
    }

    /**
     * Applies {@code change} to the sandbox {@code id} and persists the result before it becomes visible.
     *
     * @throws GantryException NOT_FOUND when no such sandbox exists
     */
    public PodSandbox update(String id, UnaryOperator<PodSandbox> change) {
        return records.update(id, change);
    }

    /**
     * The sandbox with this id or unique id prefix.
     *
     * @throws GantryException NOT_FOUND "pod sandbox X not found"; INVALID_ARGUMENT for an ambiguous prefix
     */
    public PodSandbox get(String idOrPrefix) {
        return records.get(idOrPrefix);
    }

    /**
     * The sandbox with this id or unique id prefix, if any.
     *
     * @throws GantryException INVALID_ARGUMENT for an empty or ambiguous prefix
     */
    public Optional<PodSandbox> findByIdOrPrefix(String idOrPrefix) {
        return records.findByIdOrPrefix(idOrPrefix);
    }

    /** The sandbox with exactly this full id, if any. */
    public Optional<PodSandbox> find(String id) {
        return records.find(id);
    }

    /** The sandbox holding {@code reservedName}, if any: a kubelet retry of RunPodSandbox finds its pod here. */
    public Optional<PodSandbox> findByName(String reservedName) {
        return records.findByName(reservedName);
    }

    public List<PodSandbox> list() {
        return List.copyOf(records.values());
    }

    public List<PodSandbox> list(Filter filter) {
        return records.values().stream().filter(filter::matches).toList();
    }

    /**
     * Deletes the sandbox's directory and record and frees its name. Idempotent.
     *
     * @return true when a known sandbox was removed
     * @throws GantryException INVALID_ARGUMENT for a malformed id (it would be a path)
     */
    public boolean remove(String id) {
        return records.remove(id);
    }
}
