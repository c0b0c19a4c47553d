package dev.gantry.image.pull;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.image.content.ContentStore;
import dev.gantry.image.registry.Credentials;
import dev.gantry.image.snapshot.SnapshotStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Root: the applier gives unpacked files the layer's owners (lchown 0:0). */
class LayerPullLimitsIT {

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
        ZerosLayers.Layer zeros = ZerosLayers.put(content, 32L << 20); // ratio ~1000 but below the 64 MiB floor

        var snapshot = ZerosLayers.pull(content, snapshots, LayerLimits.defaults()).ensure(ZerosLayers.REF, zeros.descriptor(), zeros.diffId(), zeros.diffId(),
                Optional.empty(), Credentials.anonymous());

        assertThat(snapshot.bytes()).isGreaterThan(32L << 20);
        assertThat(snapshots.fs(zeros.diffId()).resolve("zeros")).hasSize(32L << 20);
    }
}
