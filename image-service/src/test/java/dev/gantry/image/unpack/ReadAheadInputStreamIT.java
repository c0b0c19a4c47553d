package dev.gantry.image.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Root: the applier gives unpacked files the layer's owners (lchown 0:0). */
class ReadAheadInputStreamIT {

    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void producerEnded() throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).as("read-ahead task ended").isTrue();
    }

    @Test
    void apply_withReadAhead_unpacksAndDigestsTheWholeStream(@TempDir Path layer) throws Exception {
        byte[] tar = new TarBuilder().file("a/b", "content").symlink("l", "a/b").bytes();
        byte[] padded = new byte[tar.length + 300_000];
        System.arraycopy(tar, 0, padded, 0, tar.length);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");

        ApplyResult result = new LayerApplier(executor)
                .apply(new DigestInputStream(new ByteArrayInputStream(padded), digest), layer);

        assertThat(layer.resolve("a/b")).hasContent("content");
        assertThat(result.bytes()).isEqualTo(padded.length);
        assertThat(digest.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(padded));
    }
}
