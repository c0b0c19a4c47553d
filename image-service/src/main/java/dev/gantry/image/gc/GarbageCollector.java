package dev.gantry.image.gc;

import dev.gantry.image.content.ContentStore;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.snapshot.Snapshot;
import dev.gantry.image.snapshot.SnapshotStore;
import dev.gantry.image.store.ImageRecord;
import dev.gantry.image.store.ImageStore;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes blobs and snapshots that no image record lists and no lease holds. Runs after RemoveImage,
 * after a failed pull (so a failure leaves the store as it was) and at start (so a pull cut by a crash
 * leaves nothing behind).
 */
public final class GarbageCollector {

    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

    private final ImageStore images;
    private final ContentStore content;
    private final SnapshotStore snapshots;
    private final Leases leases;

    public GarbageCollector(ImageStore images, ContentStore content, SnapshotStore snapshots, Leases leases) {
        this.images = images;
        this.content = content;
        this.snapshots = snapshots;
        this.leases = leases;
    }

    /** @return how many blobs and snapshots were removed */
    public int collect() {
        int[] removed = {0};
        leases.exclusively(held -> {
            Set<Digest> roots = new HashSet<>(held);
            for (ImageRecord image : images.list()) {
                roots.addAll(image.blobs());
                roots.addAll(image.chainIds());
            }
            for (Digest blob : content.list().keySet()) {
                if (!roots.contains(blob)) {
                    try {
                        content.delete(blob);
                        removed[0]++;
                    } catch (IOException e) {
                        log.warn("cannot remove unreferenced blob {}: {}", blob, e.getMessage());
                    }
                }
            }
            for (Snapshot snapshot : snapshots.list()) {
                if (!roots.contains(snapshot.chainId())) {
                    try {
                        snapshots.remove(snapshot.chainId());
                        removed[0]++;
                    } catch (IOException e) {
                        log.warn("cannot remove unreferenced snapshot {}: {}", snapshot.chainId(), e.getMessage());
                    }
                }
            }
        });
        if (removed[0] > 0) {
            log.info("garbage collection removed {} unreferenced blobs and snapshots", removed[0]);
        }
        return removed[0];
    }
}
