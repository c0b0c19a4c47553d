package dev.gantry.image;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.lifecycle.StepTimes;
import dev.gantry.common.store.StorageFailedException;
import dev.gantry.image.content.ContentStore;
import dev.gantry.image.content.Writeback;
import dev.gantry.image.gc.GarbageCollector;
import dev.gantry.image.gc.Leases;
import dev.gantry.image.oci.ImageConfig;
import dev.gantry.image.oci.OciJson;
import dev.gantry.image.pull.ImagePuller;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.reference.ImageReference;
import dev.gantry.image.registry.Credentials;
import dev.gantry.image.snapshot.Snapshot;
import dev.gantry.image.snapshot.SnapshotStore;
import dev.gantry.image.store.ImageRecord;
import dev.gantry.image.store.ImageStore;
import dev.gantry.linux.fs.FileOps;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's images: pull, look up, list, remove, and what they occupy on disk. Pulls of different
 * images run in parallel; records change in {@link ImageStore}'s critical sections, and unreferenced
 * content goes through the one {@link GarbageCollector}.
 */
public final class ImageManager {

    private static final Logger log = LoggerFactory.getLogger(ImageManager.class);

    private final ImageStore images;
    private final ContentStore content;
    private final SnapshotStore snapshots;
    private final ImagePuller puller;
    private final GarbageCollector collector;
    private final Leases leases;
    /** Normalised references; replaced whole by {@link #setPinned} (a configuration reload). */
    private volatile Set<String> pinned;
    /** Parsed configs by image id: a config never changes, and every CreateContainer needs one. Built on first use. */
    private volatile @Nullable Cache<Digest, ImageConfig> parsedConfigs;
    private final AtomicInteger pullsInFlight = new AtomicInteger();
    private final Runnable afterPulls;
    private final PullListener pullListener;
    private final Writeback writeback;
    /**
     * The pause between flushes while pulls write: short, so the disk writes all along instead of
     * sitting idle between flushes (100 ms made a pull of 161 MiB 60 ms slower). No pull, no flusher.
     */
    private static final Duration WRITEBACK_PERIOD = Duration.ofMillis(10);

    public ImageManager(ImageStore images, ContentStore content, SnapshotStore snapshots, ImagePuller puller,
            Leases leases, Collection<String> pinnedReferences) {
        this(images, content, snapshots, puller, leases, pinnedReferences, () -> {}, PullListener.NONE);
    }

    /**
     * @param afterPulls run each time the last pull in flight ends (the daemon gives memory back then)
     * @param pullListener told of each pull's start and end (the daemon's metrics)
     */
    public ImageManager(ImageStore images, ContentStore content, SnapshotStore snapshots, ImagePuller puller,
            Leases leases, Collection<String> pinnedReferences, Runnable afterPulls, PullListener pullListener) {
        this.afterPulls = afterPulls;
        this.pullListener = pullListener;
        this.images = images;
        this.content = content;
        this.snapshots = snapshots;
        this.puller = puller;
        this.leases = leases;
        this.collector = new GarbageCollector(images, content, snapshots, leases);
        this.writeback = new Writeback(snapshots.dir(), WRITEBACK_PERIOD);
        this.pinned = normalise(pinnedReferences);
    }

    /**
     * The references reported as pinned from now on: the kubelet's image garbage collection reads
     * the flag from ListImages and ImageStatus on its next pass.
     */
    public void setPinned(Collection<String> pinnedReferences) {
        this.pinned = normalise(pinnedReferences);
    }

    private static Set<String> normalise(Collection<String> references) {
        return references.stream().map(r -> ImageReference.parse(r).toString()).collect(Collectors.toUnmodifiableSet());
    }

    /** Removes what a crash left unreferenced (a pull cut halfway); run once at start. */
    public int recover() {
        return collector.collect();
    }

    public ImageRecord pull(ImageReference reference, Credentials credentials) {
        pullsInFlight.incrementAndGet();
        PullListener.Pull observed = pullListener.started(reference);
        try {
            ImageRecord image = pullOnce(reference, credentials);
            observed.succeeded(image.size());
            return image;
        } catch (GantryException e) {
            observed.failed(e.kind());
            throw e;
        } catch (RuntimeException | Error e) {
            observed.failed(ErrorKind.INTERNAL);
            throw e;
        } finally {
            if (pullsInFlight.decrementAndGet() == 0) {
                afterPulls.run();
            }
        }
    }

    private ImageRecord pullOnce(ImageReference reference, Credentials credentials) {
        StepTimes times = new StepTimes();
        ImagePuller.Pulled pulled;
        writeback.begin();
        try {
            pulled = puller.pull(reference, credentials);
        } catch (RuntimeException | Error failed) {
            collector.collect(); // what this pull already published and no image uses goes, so the store is as before
            throw failed;
        } finally {
            writeback.end();
        }
        times.lap("manifests, config and layers");
        try (Leases.Lease lease = pulled.lease()) {
            // Blobs and unpacked files reach the disk before the record that makes them an image does:
            // one syncfs instead of an fsync per file, so a power cut never leaves an image with empty files.
            FileOps.syncfs(snapshots.dir());
            FileOps.syncfs(content.blobsDir());
            times.lap("syncfs");
            ImageRecord record = images.put(pulled.image());
            times.lap("record");
            log.debug("pull {}: {}", reference, times);
            return record;
        } catch (IOException e) {
            collector.collect();
            throw new StorageFailedException("pull " + reference + ": cannot write the image record: " + e.getMessage(), e);
        }
    }

    public Optional<ImageRecord> find(String spec) {
        return images.find(spec);
    }

    public Collection<ImageRecord> list() {
        return images.list();
    }

    /** RemoveImage: forgets the image with all its references and collects what it alone used. Absent is fine. */
    public Optional<ImageRecord> remove(String spec) {
        Optional<ImageRecord> image = images.find(spec);
        if (image.isEmpty()) {
            return Optional.empty();
        }
        try {
            images.remove(image.get().id());
        } catch (IOException e) {
            throw new StorageFailedException("remove image " + spec + ": " + e.getMessage(), e);
        }
        collector.collect();
        return image;
    }

    public boolean isPinned(ImageRecord image) {
        Set<String> now = pinned;
        return image.repoTags().stream().anyMatch(now::contains) || image.repoDigests().stream().anyMatch(now::contains);
    }

    /** The image's config JSON as the registry served it, for verbose ImageStatus. */
    public byte[] config(ImageRecord image) {
        try {
            return content.read(image.id());
        } catch (IOException e) {
            throw new StorageFailedException("read config of image " + image.id() + ": " + e.getMessage(), e);
        }
    }

    /** The image's config as a container is built from it (entrypoint, cmd, env, user, ...), read and parsed once per image. */
    public ImageConfig imageConfig(ImageRecord image) {
        var cache = parsedConfigs;
        if (cache == null) {
            synchronized (this) {
                cache = parsedConfigs;
                if (cache == null) {
                    cache = Caffeine.newBuilder().maximumSize(256).build();
                    parsedConfigs = cache;
                }
            }
        }
        return cache.get(image.id(), id -> OciJson.config(config(image), "config of image " + id));
    }

    /** The snapshot directories of an image, lowest layer first: the overlay lowerdirs of a container. */
    public List<Path> layers(ImageRecord image) {
        return image.chainIds().stream().map(snapshots::fs).toList();
    }

    /** Holds an image's content while something (a container) uses it. */
    public Leases.Lease lease(ImageRecord image) {
        List<Digest> held = new ArrayList<>(image.blobs());
        held.addAll(image.chainIds());
        return leases.acquire(held);
    }

    /** Bytes and inodes the image store occupies, from what was counted at unpack: no disk walk. */
    public Usage usage() {
        long bytes = content.totalBytes();
        long inodes = content.list().size();
        for (Snapshot snapshot : snapshots.list()) {
            bytes += snapshot.bytes();
            inodes += snapshot.inodes();
        }
        return new Usage(snapshots.dir(), bytes, inodes);
    }

    /** What ImageFsInfo reports for the image filesystem. */
    public record Usage(Path mountpoint, long bytes, long inodes) {}
}
