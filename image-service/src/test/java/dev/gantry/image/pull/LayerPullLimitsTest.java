package dev.gantry.image.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.content.ContentStore;
import dev.gantry.image.registry.Credentials;
import dev.gantry.image.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layers held to their unpacked size, their ratio to the compressed size and the disk's reserve. */
class LayerPullLimitsTest {

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
        ZerosLayers.Layer bomb = ZerosLayers.put(content, 200L << 20); // 200 MiB of zeros, about 200 KB gzipped, made as it streams

        assertThatThrownBy(() -> ZerosLayers.pull(content, snapshots, new LayerLimits(32L << 30, 100, 0)).ensure(ZerosLayers.REF, bomb.descriptor(), bomb.diffId(),
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
        ZerosLayers.Layer big = ZerosLayers.put(content, 3L << 20);

        assertThatThrownBy(() -> ZerosLayers.pull(content, snapshots, new LayerLimits(1L << 20, 0, 0)).ensure(ZerosLayers.REF, big.descriptor(), big.diffId(),
                        big.diffId(), Optional.empty(), Credentials.anonymous()))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining(big.descriptor().digest().toString())
                .hasMessageEndingWith("more than the limit of 1048576 bytes a layer may unpack to (image.max_layer_size)");
        assertThat(entries(root.resolve("snapshots"))).isEmpty();
    }

    @Test
    void ensure_diskBelowTheReserve_stopsResourceExhausted() throws IOException {
        ZerosLayers.Layer small = ZerosLayers.put(content, 1024);

        assertThatThrownBy(() -> ZerosLayers.pull(content, snapshots, new LayerLimits(32L << 30, 1000, Long.MAX_VALUE)).ensure(ZerosLayers.REF, small.descriptor(),
                        small.diffId(), small.diffId(), Optional.empty(), Credentials.anonymous()))
                .isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).kind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED))
                .hasMessageContaining("bytes pulls must leave (image.min_free_space)");
        assertThat(entries(root.resolve("snapshots"))).isEmpty();
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }
}
