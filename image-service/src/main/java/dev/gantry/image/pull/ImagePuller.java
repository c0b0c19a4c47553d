package dev.gantry.image.pull;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.errors.InterruptedOperationException;
import dev.gantry.common.io.JdkRawInflater;
import dev.gantry.common.io.RawInflater;
import dev.gantry.image.content.ContentStore;
import dev.gantry.image.gc.Leases;
import dev.gantry.image.oci.ChainIds;
import dev.gantry.image.oci.Descriptor;
import dev.gantry.image.oci.ImageConfig;
import dev.gantry.image.oci.ImageIndex;
import dev.gantry.image.oci.Manifest;
import dev.gantry.image.oci.MediaTypes;
import dev.gantry.image.oci.OciJson;
import dev.gantry.image.oci.Platform;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.reference.ImageReference;
import dev.gantry.image.registry.BlobStream;
import dev.gantry.image.registry.Credentials;
import dev.gantry.image.registry.FetchedManifest;
import dev.gantry.image.registry.RegistryClient;
import dev.gantry.image.snapshot.SnapshotStore;
import dev.gantry.image.store.ImageRecord;
import dev.gantry.image.unpack.LayerApplier;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * One pull, from reference to an image record ready to store:
 * <pre>
 *   manifest by tag or digest ──(index?)── platform manifest ── config ── layers in parallel ── record
 *                                   └ this node's os/arch/variant         └ LayerPull each: blob → hash + unpack → snapshot
 * </pre>
 * Everything the pull touches is leased from the first request on, so the collector cannot remove a
 * layer this pull found present and skipped; the caller stores the record and then closes the lease.
 */
public final class ImagePuller {

    /** Image configs are small JSON documents; anything this big is not one. */
    private static final long MAX_CONFIG_SIZE = 8 * 1024 * 1024;

    private final RegistryClient registry;
    private final ContentStore content;
    private final Leases leases;
    private final Platform platform;
    private final ExecutorService executor;
    private final LayerPull layers;

    public ImagePuller(RegistryClient registry, ContentStore content, SnapshotStore snapshots, Leases leases,
            LayerApplier applier, Platform platform, ExecutorService executor, int maxConcurrentDownloads) {
        this(registry, content, snapshots, leases, applier, platform, executor, maxConcurrentDownloads, LayerLimits.defaults());
    }

    public ImagePuller(RegistryClient registry, ContentStore content, SnapshotStore snapshots, Leases leases,
            LayerApplier applier, Platform platform, ExecutorService executor, int maxConcurrentDownloads, LayerLimits limits) {
        this(registry, content, snapshots, leases, applier, platform, executor, maxConcurrentDownloads, limits, JdkRawInflater::new);
    }

    /** @param inflaters the DEFLATE decoder of gzip layers, one per layer (see {@link dev.gantry.image.unpack.Inflaters}) */
    public ImagePuller(RegistryClient registry, ContentStore content, SnapshotStore snapshots, Leases leases,
            LayerApplier applier, Platform platform, ExecutorService executor, int maxConcurrentDownloads, LayerLimits limits,
            Supplier<RawInflater> inflaters) {
        this.registry = registry;
        this.content = content;
        this.leases = leases;
        this.platform = platform;
        this.executor = executor;
        this.layers = new LayerPull(content, snapshots, registry, applier, maxConcurrentDownloads, limits, inflaters);
    }

    /** The pulled image and the lease that keeps its content until the caller has stored the record. */
    public record Pulled(ImageRecord image, Leases.Lease lease) {}

    public Pulled pull(ImageReference ref, Credentials credentials) {
        Leases.Lease lease = leases.acquire(List.of());
        try {
            FetchedManifest top = registry.fetchManifest(ref, ref.manifestReference(), credentials);
            FetchedManifest fetched = top;
            List<Digest> blobs = new ArrayList<>();
            if (MediaTypes.isIndex(top.mediaType())) {
                ImageIndex index = OciJson.index(top.content(), top.mediaType(), "index " + top.digest() + " of " + ref);
                Descriptor chosen = index.select(platform).orElseThrow(() -> new PlatformNotFoundException("image " + ref + " has no manifest for this node's platform " + platform + " (the index offers "
                                + index.manifests().stream().map(d -> d.platform().map(Platform::toString).orElse("none")).toList() + ")"));
                blobs.add(top.digest());
                lease.extend(List.of(top.digest())); // held before it is stored, so no collection races the put
                content.put(top.digest(), top.content());
                fetched = registry.fetchManifest(ref, chosen.digest().toString(), credentials);
                if (!MediaTypes.isManifest(fetched.mediaType())) {
                    throw new ImageMalformedException("image " + ref + ": the index entry for " + platform
                            + " is a " + fetched.mediaType() + ", not an image manifest");
                }
            }
            Manifest manifest = OciJson.manifest(fetched.content(), fetched.mediaType(), "manifest " + fetched.digest() + " of " + ref);
            blobs.add(fetched.digest());
            blobs.add(manifest.config().digest());
            manifest.layers().forEach(l -> blobs.add(l.digest()));
            lease.extend(blobs);
            content.put(fetched.digest(), fetched.content());

            byte[] configBytes = config(ref, manifest.config(), credentials);
            ImageConfig config = OciJson.config(configBytes, "config " + manifest.config().digest() + " of " + ref);
            if (config.diffIds().size() != manifest.layers().size()) {
                throw new ImageMalformedException("image " + ref + ": the manifest lists "
                        + manifest.layers().size() + " layers but the config lists " + config.diffIds().size() + " diff_ids");
            }
            List<Digest> chainIds = ChainIds.of(config.diffIds());
            lease.extend(chainIds);

            unpackAll(ref, manifest, config, chainIds, credentials);

            long size = fetched.content().length + manifest.config().size()
                    + manifest.layers().stream().mapToLong(Descriptor::size).sum();
            List<String> tags = ref.optionalTag().map(t -> List.of(ref.toString())).orElse(List.of());
            List<String> digests = List.of(ref.withDigest(top.digest()).toString());
            ImageRecord image = new ImageRecord(manifest.config().digest(), fetched.digest(), tags, digests, size, chainIds,
                    blobs, config.uid(), config.username(), manifest.annotations());
            return new Pulled(image, lease);
        } catch (IOException e) {
            lease.close();
            throw new PullFailedException("pull " + ref + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            lease.close(); // Errors too: a lease left open keeps its blobs from the collector for good
            throw e;
        }
    }

    private byte[] config(ImageReference ref, Descriptor descriptor, Credentials credentials) throws IOException {
        if (content.has(descriptor.digest())) {
            return content.read(descriptor.digest());
        }
        if (descriptor.size() > MAX_CONFIG_SIZE) {
            throw new ImageMalformedException("image " + ref + ": config " + descriptor.digest()
                    + " is " + descriptor.size() + " bytes, more than the " + MAX_CONFIG_SIZE + " an image config may be");
        }
        byte[] bytes;
        try (BlobStream blob = registry.openBlob(ref, descriptor.digest(), descriptor.size(), 0, credentials);
                InputStream in = blob.stream()) {
            bytes = in.readNBytes((int) descriptor.size() + 1);
        }
        try {
            content.put(descriptor.digest(), bytes);
        } catch (GantryException mismatch) {
            throw new GantryException(mismatch.kind(), "pull config " + descriptor.digest() + " of " + ref + ": " + mismatch.getMessage(), mismatch);
        }
        return bytes;
    }

    private void unpackAll(ImageReference ref, Manifest manifest, ImageConfig config, List<Digest> chainIds, Credentials credentials) {
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < chainIds.size(); i++) {
            Descriptor layer = manifest.layers().get(i);
            Digest diffId = config.diffIds().get(i);
            Digest chainId = chainIds.get(i);
            Optional<Digest> parent = i == 0 ? Optional.empty() : Optional.of(chainIds.get(i - 1));
            running.add(executor.submit(() -> layers.ensure(ref, layer, diffId, chainId, parent, credentials)));
        }
        GantryException first = null;
        for (int i = 0; i < running.size(); i++) {
            try {
                running.get(i).get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.forEach(f -> f.cancel(true));
                throw new InterruptedOperationException("pull " + ref + " interrupted", e);
            } catch (ExecutionException e) {
                if (first == null) {
                    first = describe(ref, manifest.layers().get(i), Objects.requireNonNull(e.getCause(), "cause"));
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static GantryException describe(ImageReference ref, Descriptor layer, Throwable cause) {
        if (cause instanceof GantryException g && g.getClass().getPackageName().endsWith(".registry")) {
            return g; // it already says what it fetched from where, and UNAVAILABLE must start "RegistryUnavailable"
        }
        ErrorKind kind = cause instanceof GantryException g ? g.kind() : ErrorKind.INTERNAL;
        return new GantryException(kind, "pull layer " + layer.digest() + " of " + ref + ": " + cause.getMessage(), cause);
    }
}
