package dev.gantry.image.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.image.reference.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {

    @TempDir
    Path dir;

    private static Digest digest(String seed) {
        return Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
    }

    private static ImageRecord image(String seed, List<String> tags, List<String> digests) {
        return new ImageRecord(digest(seed), digest("m" + seed), tags, digests, 42, List.of(digest("l" + seed)),
                List.of(digest("m" + seed), digest(seed)), OptionalLong.of(7), Optional.empty(), Map.of("k", "v"));
    }

    @Test
    void find_byIdHexPrefixTagAndDigest() throws Exception {
        var store = new ImageStore(dir);
        ImageRecord a = image("a", List.of("docker.io/library/busybox:latest"), List.of("docker.io/library/busybox@" + digest("ma")));
        store.put(a);
        assertThat(store.find(a.id().toString())).hasValue(a);
        assertThat(store.find(a.id().hex())).hasValue(a);
        assertThat(store.find(a.id().hex().substring(0, 12))).hasValue(a);
        assertThat(store.find("busybox")).hasValue(a);
        assertThat(store.find("docker.io/library/busybox:latest")).hasValue(a);
        assertThat(store.find("busybox@" + digest("ma"))).hasValue(a);
        assertThat(store.find("busybox:other")).isEmpty();
        assertThat(store.find("not a reference!")).isEmpty();
    }

    /**
     * ImageStatus answers on the event loop: a read must not wait for a writer, which holds the
     * store across its synced file writes. The writer here is a thread holding the monitor.
     */
    @Test
    void reads_whileAWriterHoldsTheStore_answerAtOnceWithTheLastRecordedState() throws Exception {
        var store = new ImageStore(dir);
        ImageRecord a = image("a", List.of("docker.io/library/busybox:latest"), List.of());
        store.put(a);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().start(() -> {
            synchronized (store) {
                holding.countDown();
                awaitQuietly(release);
            }
        });
        try {
            assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<List<Object>> reads = CompletableFuture.supplyAsync(
                    () -> List.of(store.find("busybox"), store.get(a.id()), store.list()));

            assertThat(reads.get(30, TimeUnit.SECONDS)).containsExactly(Optional.of(a), Optional.of(a), List.of(a));
            assertThat(writer.isAlive()).as("the writer still holds the store").isTrue();
        } finally {
            release.countDown();
            writer.join();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void put_tagTakenByNewImage_leavesOldImageWithItsDigestOnly() throws Exception {
        var store = new ImageStore(dir);
        store.put(image("old", List.of("docker.io/library/app:1"), List.of("docker.io/library/app@" + digest("mold"))));
        store.put(image("new", List.of("docker.io/library/app:1"), List.of("docker.io/library/app@" + digest("mnew"))));
        assertThat(store.find("app:1").orElseThrow().id()).isEqualTo(digest("new"));
        ImageRecord old = store.get(digest("old")).orElseThrow();
        assertThat(old.repoTags()).isEmpty();
        assertThat(old.repoDigests()).containsExactly("docker.io/library/app@" + digest("mold"));
        // and the same holds after a restart
        var reloaded = new ImageStore(dir);
        assertThat(reloaded.get(digest("old")).orElseThrow().repoTags()).isEmpty();
        assertThat(reloaded.find("app:1").orElseThrow().id()).isEqualTo(digest("new"));
    }

    @Test
    void put_sameImageTwice_mergesReferences() throws Exception {
        var store = new ImageStore(dir);
        store.put(image("a", List.of("docker.io/library/a:1"), List.of()));
        ImageRecord merged = store.put(image("a", List.of("docker.io/library/a:2"), List.of()));
        assertThat(merged.repoTags()).containsExactly("docker.io/library/a:1", "docker.io/library/a:2");
    }

    @Test
    void records_surviveRestartIntact_andTempFilesAreSwept() throws Exception {
        var store = new ImageStore(dir);
        ImageRecord a = image("a", List.of("docker.io/library/a:1"), List.of());
        store.put(a);
        Files.writeString(dir.resolve(".sha256-x.json.tmp-1"), "{half");
        var reloaded = new ImageStore(dir);
        assertThat(reloaded.get(a.id())).hasValue(a);
        assertThat(dir.resolve(".sha256-x.json.tmp-1")).doesNotExist();
    }

    @Test
    void remove_forgetsAllReferences_andIsIdempotent() throws Exception {
        var store = new ImageStore(dir);
        ImageRecord a = image("a", List.of("docker.io/library/a:1"), List.of());
        store.put(a);
        assertThat(store.remove(a.id())).hasValue(a);
        assertThat(store.remove(a.id())).isEmpty();
        assertThat(store.find("a:1")).isEmpty();
        assertThat(new ImageStore(dir).list()).isEmpty();
    }
}
