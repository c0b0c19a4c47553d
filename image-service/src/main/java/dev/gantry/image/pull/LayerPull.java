package dev.gantry.image.pull;

import dev.gantry.common.errors.DiskFull;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.Failures;
import dev.gantry.common.io.RawInflater;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.content.BlobMismatchException;
import dev.gantry.image.content.ContentStore;
import dev.gantry.image.oci.Descriptor;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.reference.ImageReference;
import dev.gantry.image.registry.BlobStream;
import dev.gantry.image.registry.Credentials;
import dev.gantry.image.registry.RegistryClient;
import dev.gantry.image.snapshot.Snapshot;
import dev.gantry.image.snapshot.SnapshotStore;
import dev.gantry.image.unpack.ApplyResult;
import dev.gantry.image.unpack.Decompression;
import dev.gantry.image.unpack.LayerApplier;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one layer to a committed snapshot: the compressed bytes stream from the registry through
 * the decompressor into the layer applier in one pass, while both the blob digest and the diffID are
 * computed. Only when both match is the snapshot published; the compressed blob is not kept (see
 * {@link CompressedCheck}). Concurrent pulls that need the same chain ID wait for the one unpack in flight.
 */
final class LayerPull {

    private static final Logger log = LoggerFactory.getLogger(LayerPull.class);

    private final ContentStore content;
    private final SnapshotStore snapshots;
    private final RegistryClient registry;
    private final LayerApplier applier;
    private final Semaphore downloads;
    private final LayerLimits limits;
    private final Supplier<RawInflater> inflaters;
    private final ConcurrentHashMap<Digest, CompletableFuture<Snapshot>> inFlight = new ConcurrentHashMap<>();

    LayerPull(ContentStore content, SnapshotStore snapshots, RegistryClient registry, LayerApplier applier, int maxConcurrent,
            LayerLimits limits, Supplier<RawInflater> inflaters) {
        this.content = content;
        this.snapshots = snapshots;
        this.registry = registry;
        this.applier = applier;
        this.downloads = new Semaphore(maxConcurrent, true);
        this.limits = limits;
        this.inflaters = inflaters;
    }

    /** The layer as a snapshot; the caller holds a lease on the chain ID and the blob digest. */
    Snapshot ensure(ImageReference ref, Descriptor layer, Digest diffId, Digest chainId, Optional<Digest> parent, Credentials credentials) {
        Optional<Snapshot> existing = snapshots.get(chainId);
        if (existing.isPresent()) {
            return existing.get();
        }
        CompletableFuture<Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<Snapshot> running = inFlight.putIfAbsent(chainId, mine);
        if (running != null) {
            return join(running);
        }
        try {
            Optional<Snapshot> raced = snapshots.get(chainId);
            mine.complete(raced.isPresent() ? raced.get() : unpack(ref, layer, diffId, chainId, parent, credentials));
        } catch (Throwable t) {
            mine.completeExceptionally(t);
        } finally {
            inFlight.remove(chainId, mine);
        }
        return join(mine);
    }

    private Snapshot unpack(ImageReference ref, Descriptor layer, Digest diffId, Digest chainId, Optional<Digest> parent,
            Credentials credentials) throws IOException, InterruptedException {
        downloads.acquire();
        SnapshotStore.Prepared prepared = snapshots.prepare();
        boolean committed = false;
        long start = System.nanoTime();
        try {
            Snapshot snapshot;
            if (content.has(layer.digest())) { // a store written before layer blobs stopped being kept
                try (InputStream local = Files.newInputStream(content.path(layer.digest()))) {
                    snapshot = apply(local, false, layer, diffId, chainId, parent, prepared);
                }
            } else {
                try (BlobStream blob = registry.openBlob(ref, layer.digest(), layer.size(), 0, credentials)) {
                    snapshot = apply(blob.stream(), true, layer, diffId, chainId, parent, prepared);
                }
            }
            committed = true;
            if (log.isDebugEnabled()) {
                log.debug("layer {} of {} unpacked in {} ms", layer.digest(), ref, (System.nanoTime() - start) / 1_000_000);
            }
            return snapshot;
        } finally {
            downloads.release();
            if (!committed) {
                snapshots.discard(prepared);
            }
        }
    }

    /**
     * One pass over the compressed bytes: hashed, decompressed, hashed again as the diffID, unpacked.
     * A blob from the local store was verified when it was committed and is not hashed again.
     */
    private Snapshot apply(InputStream source, boolean fromRegistry, Descriptor layer, Digest diffId, Digest chainId,
            Optional<Digest> parent, SnapshotStore.Prepared prepared) throws IOException {
        // Unbuffered: every decoder reads in chunks of 128 KiB or more, which go straight to the socket or file.
        var compressed = new HashingInputStream(source, fromRegistry ? layer.digest().newHasher() : null);
        @Nullable CompressedCheck check = fromRegistry ? new CompressedCheck(layer, compressed) : null;
        var budget = new LayerBudget(Decompression.open(layer.mediaType(), compressed, inflaters), layer, limits,
                Files.getFileStore(prepared.fs()));
        var uncompressed = new HashingInputStream(budget, diffId.newHasher());
        try {
            ApplyResult result;
            try {
                result = applier.apply(uncompressed, prepared.fs());
                uncompressed.drain();
            } catch (IOException | RuntimeException unreadable) {
                // A corrupt blob often shows first as a decompression or tar error; the digest names the real cause.
                Optional<BlobMismatchException> blamed = blobFault(check, unreadable);
                if (blamed.isPresent()) {
                    blamed.get().addSuppressed(unreadable);
                    throw blamed.get();
                }
                throw unreadable;
            }
            if (check != null) {
                check.verify();
            } else {
                compressed.drain();
                if (compressed.count() != layer.size()) {
                    throw BlobMismatchException.size(layer.digest(), layer.size(), compressed.count());
                }
            }
            Digest actualDiffId = Digest.of(diffId.algorithm(), uncompressed.digest());
            if (!actualDiffId.equals(diffId)) {
                throw BlobMismatchException.diffId(layer.digest(), diffId, actualDiffId);
            }
            return snapshots.commit(prepared, new Snapshot(chainId, parent, diffId, result.bytes(), result.entries()));
        } finally {
            closeQuietly(budget); // the decoder's native memory now, not at the next GC
        }
    }

    private static void closeQuietly(InputStream decoder) {
        try {
            decoder.close();
        } catch (IOException e) {
            // the layer is done, or already failing for a better reason
        }
    }

    /**
     * Reads the rest of the compressed stream to see whether the blob holds its digest: if not, the
     * failure is the blob's (DATA_LOSS with both digests), whatever the decompressor or tar reader said first.
     */
    private static Optional<BlobMismatchException> blobFault(@Nullable CompressedCheck check, Exception unreadable) {
        if (check == null || unreadable instanceof GantryException g && g.kind() != ErrorKind.INTERNAL) {
            return Optional.empty(); // a verified local blob, or refused for what it says (an escaping path), not how it is encoded
        }
        try {
            check.verify();
            return Optional.empty();
        } catch (BlobMismatchException mismatch) {
            return Optional.of(mismatch);
        } catch (IOException stillBroken) {
            return Optional.empty();
        }
    }

    private static Snapshot join(CompletableFuture<Snapshot> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new LayerPullException(Objects.requireNonNull(cause, "cause"));
        }
    }

    /** A checked failure (I/O, interruption) of a layer pull, carried to every waiter. */
    static final class LayerPullException extends GantryException {
        LayerPullException(Throwable cause) {
            super(kindOf(cause), Failures.describe(cause), cause);
        }

        private static ErrorKind kindOf(Throwable cause) {
            if (cause instanceof InterruptedException) {
                return ErrorKind.CANCELLED;
            }
            if (cause instanceof IOException io && DiskFull.causedBy(io)) {
                return ErrorKind.RESOURCE_EXHAUSTED;
            }
            // Content that ends early or does not decompress is the registry's or the image's fault, not ours,
            // also when the applier wrapped it to name the tar entry it was writing.
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof EOFException || t instanceof ZipException
                        || t.getClass().getName().equals("com.github.luben.zstd.ZstdIOException")) {
                    return ErrorKind.DATA_LOSS;
                }
            }
            return ErrorKind.INTERNAL;
        }
    }
}
