package dev.gantry.image.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.image.content.ContentStore;
import dev.gantry.image.oci.Descriptor;
import dev.gantry.image.reference.Digest;
import dev.gantry.image.reference.ImageReference;
import dev.gantry.image.registry.Credentials;
import dev.gantry.image.registry.RegistryClient;
import dev.gantry.image.registry.RegistryHosts;
import dev.gantry.image.registry.RetryPolicy;
import dev.gantry.image.snapshot.SnapshotStore;
import dev.gantry.image.unpack.LayerApplier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Root: the applier gives unpacked files the layer's owners (lchown 0:0). */
class LayerPullLimitsIT {

    private static final String GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final ImageReference REF = ImageReference.parse("127.0.0.1:1/bomb:1");
    /** Never reached: every layer here is in the content store already. */
    private static final RegistryClient NO_REGISTRY =
            new RegistryClient(RegistryHosts.of(Map.of()), new RetryPolicy(1, Duration.ZERO, Duration.ZERO, d -> {}));

    @TempDir
    Path root;

    private ContentStore content;
    private SnapshotStore snapshots;

    @BeforeEach
    void stores() throws IOException {
        content = new ContentStore(root.resolve("content"));
        snapshots = new SnapshotStore(root.resolve("snapshots"));
    }

    @Test
    void ensure_compressibleLayerUnderTheFloor_isCommittedByDefaultLimits() throws IOException {
        Layer zeros = layer(32L << 20); // ratio ~1000 but below the 64 MiB floor

        var snapshot = pull(LayerLimits.defaults()).ensure(REF, zeros.descriptor(), zeros.diffId(), zeros.diffId(),
                Optional.empty(), Credentials.anonymous());

        assertThat(snapshot.bytes()).isGreaterThan(32L << 20);
        assertThat(snapshots.fs(zeros.diffId()).resolve("zeros")).hasSize(32L << 20);
    }

    private LayerPull pull(LayerLimits limits) {
        return new LayerPull(content, snapshots, NO_REGISTRY, new LayerApplier(), 1, limits, dev.gantry.common.io.JdkRawInflater::new);
    }

    private record Layer(Descriptor descriptor, Digest diffId) {}

    /** A gzipped tar of one file of {@code size} zeros, put in the content store; the tar is never held whole. */
    private Layer layer(long size) throws IOException {
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
