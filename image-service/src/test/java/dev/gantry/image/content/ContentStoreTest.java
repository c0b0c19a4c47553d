package dev.gantry.image.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.image.reference.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {

    @TempDir
    Path dir;

    @Test
    void put_verifiedBlob_isVisibleByDigest() throws Exception {
        var store = new ContentStore(dir);
        byte[] blob = "hello".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.sha256(blob);
        store.put(digest, blob);
        assertThat(store.has(digest)).isTrue();
        assertThat(store.read(digest)).isEqualTo(blob);
        assertThat(new ContentStore(dir).list()).containsEntry(digest, 5L);
    }

    @Test
    void put_wrongBytes_isDataLossAndPublishesNothing() throws Exception {
        var store = new ContentStore(dir);
        Digest digest = Digest.sha256("expected".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> store.put(digest, "tampered".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("digest mismatch")
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.DATA_LOSS);
        assertThatThrownBy(() -> store.put(digest, "expectex".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("digest mismatch: expected " + digest);
        assertThat(store.has(digest)).isFalse();
        assertThat(Files.exists(store.path(digest))).isFalse();
        try (Stream<Path> ingest = Files.list(dir.resolve("ingest"))) {
            assertThat(ingest).isEmpty();
        }
    }

    @Test
    void start_removesIngestLeftovers() throws Exception {
        new ContentStore(dir);
        Files.writeString(dir.resolve("ingest").resolve("abc-1"), "partial");
        new ContentStore(dir);
        try (Stream<Path> ingest = Files.list(dir.resolve("ingest"))) {
            assertThat(ingest).isEmpty();
        }
    }
}
