package dev.gantry.runtime.container;

import dev.gantry.common.store.RecordStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The containers this node knows, one record each in {@code <root>/containers/<id>/container.json}
 * beside the container's bundle (config.json) and writable layer (upper/, work/): a change is
 * written (atomically, synced) before it becomes visible; reads never touch the disk. A container's
 * reserved name is held from {@link #create} until {@link #remove}.
 */
public final class ContainerStore extends RecordStore<Container> {

    static final String RECORD = "container.json";

    /** @param containersDir {@code <root>/containers} */
    public ContainerStore(Path containersDir) {
        super(containersDir, RECORD, "container", "rwx------", new ContainerRecordCodec());
    }

    public List<Container> inPod(String podId) {
        return values().stream().filter(c -> c.podId().equals(podId)).toList();
    }

    /** Deletes {@code dir} bottom-up, never crossing into a mount; missing is fine. */
    static void deleteTree(Path dir) throws IOException {
        RecordStore.deleteTree(dir, RECORD);
    }
}
