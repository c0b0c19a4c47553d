package dev.gantry.runtime.container;

import dev.gantry.common.store.RecordStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The containers this node knows, one record each in {@code <root>/containers/<id>/container.json}
 * beside the container's bundle and writable layer, kept by a {@link RecordStore}: a change is
 * written (atomically, synced) before it becomes visible; reads never touch the disk.
 */
public final class ContainerStore {

    static final String RECORD = "container.json";

    private final RecordStore<Container> records;

    /** @param containersDir {@code <root>/containers} */
    public ContainerStore(Path containersDir) {
        this.records = new RecordStore<>(containersDir, RECORD, "container", "rwx------", new ContainerRecordCodec());
    }

    /** {@code <root>/containers/<id>}: the record, the OCI bundle (config.json) and upper/ and work/. */
    public Path directory(String id) {
        return records.directory(id);
    }

    /** Reads every record, replacing memory. Call once at start; unreadable directories are returned, not thrown. */
    public List<RecordStore.BrokenRecord> load() {
        return records.load();
    }

    /**
     * Reserves the container's name and writes its first record.
     *
     * @throws dev.gantry.common.id.NameReservedException (ALREADY_EXISTS) when another container holds the name
     */
    public Container create(Container container) {
        return records.create(container);
    }

    /** Applies {@code change} to container {@code id} and persists the result before it becomes visible. */
    public Container update(String id, UnaryOperator<Container> change) {
        return records.update(id, change);
    }

    /** The container with this id or unique id prefix; NOT_FOUND otherwise. */
    public Container get(String idOrPrefix) {
        return records.get(idOrPrefix);
    }

    /** The container with this id or unique prefix; empty when there is none. */
    public Optional<Container> findByIdOrPrefix(String idOrPrefix) {
        return records.findByIdOrPrefix(idOrPrefix);
    }

    public Optional<Container> find(String id) {
        return records.find(id);
    }

    public Optional<Container> findByName(String reservedName) {
        return records.findByName(reservedName);
    }

    public List<Container> list() {
        return List.copyOf(records.values());
    }

    public List<Container> inPod(String podId) {
        return records.values().stream().filter(c -> c.podId().equals(podId)).toList();
    }

    /** Deletes the container's directory (record last) and frees its name. Idempotent. */
    public void remove(String id) {
        records.remove(id);
    }

    /** Deletes {@code dir} bottom-up, never crossing into a mount; missing is fine. */
    static void deleteTree(Path dir) throws IOException {
        RecordStore.deleteTree(dir, RECORD);
    }
}
