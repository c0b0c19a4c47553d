package dev.gantry.image.pull;

import dev.gantry.common.io.JdkRawInflater;
import dev.gantry.image.content.ContentStore;
import dev.gantry.image.oci.Descriptor;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.reference.ImageReference;
import dev.gantry.image.registry.RegistryClient;
import dev.gantry.image.registry.RegistryHosts;
import dev.gantry.image.registry.RetryPolicy;
import dev.gantry.image.snapshot.SnapshotStore;
import dev.gantry.image.unpack.LayerApplier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Layers of zeros already in the content store, and a LayerPull that never needs the registry: the limits tests' fixture. */
final class ZerosLayers {

    static final ImageReference REF = ImageReference.parse("127.0.0.1:1/bomb:1");
    private static final String GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    /** Never reached: every layer here is in the content store already. */
    private static final RegistryClient NO_REGISTRY =
            new RegistryClient(RegistryHosts.of(Map.of()), new RetryPolicy(1, Duration.ZERO, Duration.ZERO, d -> {}));

    record Layer(Descriptor descriptor, Digest diffId) {}

    private ZerosLayers() {}

    static LayerPull pull(ContentStore content, SnapshotStore snapshots, LayerLimits limits) {
        return new LayerPull(content, snapshots, NO_REGISTRY, new LayerApplier(), 1, limits, JdkRawInflater::new);
    }

    /** A gzipped tar of one file of {@code size} zeros, put in the content store; the tar is never held whole. */
    static Layer put(ContentStore content, long size) throws IOException {
        var gzipped = new ByteArrayOutputStream();
        MessageDigest hasher = newSha256();
        // the diffID is the digest of the tar before compression: hashed on its way into gzip
        try (var tar = new TarArchiveOutputStream(new DigestOutputStream(new GZIPOutputStream(gzipped), hasher))) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry entry = new TarArchiveEntry("zeros");
            entry.setSize(size);
            tar.putArchiveEntry(entry);
            byte[] zeros = new byte[1 << 20];
            for (long left = size; left > 0; left -= zeros.length) {
                tar.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
            tar.closeArchiveEntry();
        }
        byte[] blob = gzipped.toByteArray();
        Digest digest = Digest.sha256(blob);
        content.put(digest, blob);
        return new Layer(new Descriptor(GZIP_LAYER, digest, blob.length, Optional.empty(), Map.of()),
                Digest.of("sha256", hasher.digest()));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
