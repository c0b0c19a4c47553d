package dev.gantry.image.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers held to their unpacked size, their ratio to the compressed size and the disk's reserve. */
class LayerPullLimitsTest {

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
    void ensure_gzipBombOverTheRatio_refusedNamingLayerAndLimit_partialSnapshotRemoved() throws IOException {
        Layer bomb = layer(200L << 20); // 200 MiB of zeros, about 200 KB gzipped, made as it streams

        assertThatThrownBy(() -> pull(new LayerLimits(32L << 30, 100, 0)).ensure(REF, bomb.descriptor(), bomb.diffId(),
                        bomb.diffId(), Optional.empty(), Credentials.anonymous()))
                .isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).kind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED))
                .hasMessageStartingWith("unpack layer " + bomb.descriptor().digest() + ": refused, it unpacks to more than")
                .hasMessageContaining("100 times its compressed size of " + bomb.descriptor().size() + " bytes (image.max_layer_ratio)");
        assertThat(snapshots.list()).isEmpty();
        assertThat(entries(root.resolve("snapshots"))).isEmpty();
    }

    @Test
    void ensure_layerOverMaxSize_refusedNamingTheLimit() throws IOException {
        Layer big = layer(3L << 20);

        assertThatThrownBy(() -> pull(new LayerLimits(1L << 20, 0, 0)).ensure(REF, big.descriptor(), big.diffId(),
                        big.diffId(), Optional.empty(), Credentials.anonymous()))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining(big.descriptor().digest().toString())
                .hasMessageEndingWith("more than the limit of 1048576 bytes a layer may unpack to (image.max_layer_size)");
        assertThat(entries(root.resolve("snapshots"))).isEmpty();
    }

    @Test
    void ensure_diskBelowTheReserve_stopsResourceExhausted() throws IOException {
        Layer small = layer(1024);

        assertThatThrownBy(() -> pull(new LayerLimits(32L << 30, 1000, Long.MAX_VALUE)).ensure(REF, small.descriptor(),
                        small.diffId(), small.diffId(), Optional.empty(), Credentials.anonymous()))
                .isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).kind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED))
                .hasMessageContaining("bytes pulls must leave (image.min_free_space)");
        assertThat(entries(root.resolve("snapshots"))).isEmpty();
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

    private static java.util.List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
