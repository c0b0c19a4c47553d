package dev.gantry.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordStoreTest {

    @TempDir
    Path dir;

    private record Thing(String id, String name) {}

    /** Writes "id name"; the first encode throws {@code failure} when one is set. */
    private static final class ThingCodec implements RecordStore.Codec<Thing> {
        final AtomicBoolean failOnce = new AtomicBoolean();
        Throwable failure;

        @Override
        public byte[] encode(Thing record) {
            if (failOnce.getAndSet(false)) {
                sneakyThrow(failure);
            }
            return (record.id() + " " + record.name()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Thing decode(byte[] bytes) {
            String[] parts = new String(bytes, StandardCharsets.UTF_8).split(" ");
            return new Thing(parts[0], parts[1]);
        }

        @Override
        public String id(Thing record) {
            return record.id();
        }

        @Override
        public String reservedName(Thing record) {
            return record.name();
        }

        @SuppressWarnings("unchecked")
        private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
            throw (E) t;
        }
    }

    @Test
    void create_writeThrowsError_releasesNameAndRemovesDirectory() {
        ThingCodec codec = new ThingCodec();
        RecordStore<Thing> store = new RecordStore<>(dir, "thing.json", "thing", "rwx------", codec);
        codec.failure = new OutOfMemoryError("Java heap space");
        codec.failOnce.set(true);
        String id = "a".repeat(64);
        String other = "b".repeat(64);

        assertThatThrownBy(() -> store.create(new Thing(id, "web"))).isSameAs(codec.failure);

        assertThat(Files.exists(dir.resolve(id))).isFalse();
        assertThat(store.create(new Thing(other, "web")).id()).as("the name is free again").isEqualTo(other);
    }

    @Test
    void moveOut_takesTheDirectoryWholeAndFreesTheName() throws Exception {
        RecordStore<Thing> store = new RecordStore<>(dir.resolve("things"), "thing.json", "thing", "rwx------", new ThingCodec());
        String id = "a".repeat(64);
        store.create(new Thing(id, "web"));
        Files.writeString(store.directory(id).resolve("data"), "kept");
        Path destination = dir.resolve("removed").resolve(id);
        Files.createDirectories(destination.resolve("stale"));

        assertThat(store.moveOut(id, destination)).isTrue();

        assertThat(store.find(id)).isEmpty();
        assertThat(dir.resolve("things").resolve(id)).doesNotExist();
        assertThat(destination.resolve("thing.json")).hasContent(id + " web");
        assertThat(destination.resolve("data")).hasContent("kept");
        assertThat(destination.resolve("stale")).as("what an earlier run left there").doesNotExist();
        RecordStore<Thing> reloaded = new RecordStore<>(dir.resolve("things"), "thing.json", "thing", "rwx------", new ThingCodec());
        assertThat(reloaded.load()).isEmpty();
        assertThat(reloaded.list()).isEmpty();
        assertThat(store.moveOut(id, destination)).as("again").isFalse();
        assertThat(destination.resolve("thing.json")).exists();
        String other = "b".repeat(64);
        assertThat(store.create(new Thing(other, "web")).id()).as("the name is free again").isEqualTo(other);
    }

    @Test
    void findByIdOrPrefix_unknownUniqueAndAmbiguous() {
        RecordStore<Thing> store = new RecordStore<>(dir, "thing.json", "thing", "rwx------", new ThingCodec());
        String a1 = "a1" + "0".repeat(62);
        String a2 = "a2" + "0".repeat(62);
        store.create(new Thing(a1, "one"));
        store.create(new Thing(a2, "two"));

        assertThat(store.findByIdOrPrefix("b")).isEmpty();
        assertThat(store.findByIdOrPrefix("a2")).map(Thing::name).contains("two");
        assertThat(store.findByIdOrPrefix(a1)).map(Thing::name).contains("one");
        assertThatThrownBy(() -> store.findByIdOrPrefix("a"))
                .isInstanceOf(GantryException.class)
                .hasMessage("thing id prefix a matches 2 ids")
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
        assertThatThrownBy(() -> store.findByIdOrPrefix(""))
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }

    @Test
    void get_unknownId_isNotFoundNamingSubject() {
        RecordStore<Thing> store = new RecordStore<>(dir, "thing.json", "thing", "rwx------", new ThingCodec());

        assertThatThrownBy(() -> store.get("b1"))
                .isInstanceOf(dev.gantry.common.id.IdNotFoundException.class)
                .hasMessage("thing b1 not found");
    }

    /** A count under a name, so that an update has something to change. */
    private record Tally(String id, String name, int count) {
        Tally plusOne() {
            return new Tally(id, name, count + 1);
        }
    }

    /** Writes "id name count"; writing a record of {@code slowId} waits until {@link #release}. */
    private static final class TallyCodec implements RecordStore.Codec<Tally> {
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile String slowId = "";

        @Override
        public byte[] encode(Tally record) throws java.io.IOException {
            if (record.id().equals(slowId)) {
                writing.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted");
                }
            }
            return (record.id() + " " + record.name() + " " + record.count()).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Tally decode(byte[] bytes) {
            String[] parts = new String(bytes, StandardCharsets.UTF_8).split(" ");
            return new Tally(parts[0], parts[1], Integer.parseInt(parts[2]));
        }

        @Override
        public String id(Tally record) {
            return record.id();
        }

        @Override
        public String reservedName(Tally record) {
            return record.name();
        }
    }

    @Test
    void update_oneObjectsWriteStillGoing_anotherObjectIsWrittenMeanwhile() throws Exception {
        TallyCodec codec = new TallyCodec();
        RecordStore<Tally> store = new RecordStore<>(dir, "tally.json", "tally", "rwx------", codec);
        String slow = "a".repeat(64);
        String other = "b".repeat(64);
        store.create(new Tally(slow, "slow", 0));
        store.create(new Tally(other, "other", 0));
        codec.slowId = slow;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Tally> slowUpdate = pool.submit(() -> store.update(slow, Tally::plusOne));
            assertThat(codec.writing.await(60, TimeUnit.SECONDS)).as("the slow write started").isTrue();

            // Behind one lock for the whole store this would wait for the slow write, which waits for us.
            Tally written = pool.submit(() -> store.update(other, Tally::plusOne)).get(20, TimeUnit.SECONDS);

            assertThat(written.count()).isEqualTo(1);
            assertThat(store.get(slow).count()).as("not visible before its write ends").isZero();
            assertThat(slowUpdate).isNotDone();
            codec.release.countDown();
            assertThat(slowUpdate.get(60, TimeUnit.SECONDS).count()).isEqualTo(1);
        } finally {
            codec.release.countDown();
            pool.shutdownNow();
        }
        RecordStore<Tally> reloaded = new RecordStore<>(dir, "tally.json", "tally", "rwx------", new TallyCodec());
        assertThat(reloaded.load()).isEmpty();
        assertThat(reloaded.list()).extracting(Tally::count).containsExactly(1, 1);
    }

    @Test
    void changesFromManyThreads_oneObjectLosesNoUpdateAndEveryCreateIsKept() throws Exception {
        RecordStore<Tally> store = new RecordStore<>(dir, "tally.json", "tally", "rwx------", new TallyCodec());
        String shared = "c".repeat(64);
        store.create(new Tally(shared, "shared", 0));
        int threads = 4;
        int rounds = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        store.update(shared, Tally::plusOne);
                        store.create(new Tally(String.format("%02x%062x", thread, i), "own-" + thread + "-" + i, 0));
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(store.get(shared).count()).isEqualTo(threads * rounds);
        RecordStore<Tally> reloaded = new RecordStore<>(dir, "tally.json", "tally", "rwx------", new TallyCodec());
        assertThat(reloaded.load()).isEmpty();
        assertThat(reloaded.list()).hasSize(1 + threads * rounds);
        assertThat(reloaded.get(shared).count()).isEqualTo(threads * rounds);
        assertThat(reloaded.findByName("own-3-24")).map(Tally::id).contains(String.format("%02x%062x", 3, 24));
    }

    @Test
    void remove_whileTheObjectsCreateIsWriting_waitsForItAndRemovesTheWhole() throws Exception {
        TallyCodec codec = new TallyCodec();
        RecordStore<Tally> store = new RecordStore<>(dir, "tally.json", "tally", "rwx------", codec);
        String id = "d".repeat(64);
        codec.slowId = id;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        AtomicBoolean removed = new AtomicBoolean();
        Thread remover = new Thread(() -> removed.set(store.remove(id)), "remover");
        try {
            Future<Tally> create = pool.submit(() -> store.create(new Tally(id, "new", 0)));
            assertThat(codec.writing.await(60, TimeUnit.SECONDS)).as("the create is writing").isTrue();

            remover.start();
            // Either it waits for the object's lock, or (wrongly) it ran to the end beside the write.
            while (remover.isAlive() && remover.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            codec.release.countDown();

            assertThat(create.get(60, TimeUnit.SECONDS).id()).isEqualTo(id);
            remover.join(60_000);
            assertThat(removed).as("it removed the created object").isTrue();
        } finally {
            codec.release.countDown();
            pool.shutdownNow();
        }
        assertThat(store.find(id)).isEmpty();
        assertThat(dir.resolve(id)).doesNotExist();
        assertThat(store.create(new Tally("e".repeat(64), "new", 0)).name()).as("the name is free again").isEqualTo("new");
    }

    @Test
    void createUntilNextUpdate_isVisibleAndOnDiskAndTheUpdateReplacesIt() throws Exception {
        RecordStore<Tally> store = new RecordStore<>(dir, "tally.json", "tally", "rwx------", new TallyCodec());
        String id = "f".repeat(64);

        assertThat(store.createUntilNextUpdate(new Tally(id, "pending", 0)).count()).isZero();

        assertThat(store.get(id).name()).isEqualTo("pending");
        assertThat(dir.resolve(id).resolve("tally.json")).hasContent(id + " pending 0");
        assertThatThrownBy(() -> store.createUntilNextUpdate(new Tally("0".repeat(64), "pending", 0)))
                .as("its name is held like any record's").isInstanceOf(GantryException.class);
        store.update(id, Tally::plusOne);
        assertThat(dir.resolve(id).resolve("tally.json")).hasContent(id + " pending 1");
        try (var left = Files.list(dir.resolve(id))) {
            assertThat(left).as("no temp file left").containsExactly(dir.resolve(id).resolve("tally.json"));
        }
        RecordStore<Tally> reloaded = new RecordStore<>(dir, "tally.json", "tally", "rwx------", new TallyCodec());
        assertThat(reloaded.load()).isEmpty();
        assertThat(reloaded.get(id).count()).isEqualTo(1);
    }

    @Test
    void createUntilNextUpdate_writeFails_releasesNameAndRemovesDirectory() {
        ThingCodec codec = new ThingCodec();
        RecordStore<Thing> store = new RecordStore<>(dir, "thing.json", "thing", "rwx------", codec);
        codec.failure = new java.io.IOException("No space left on device");
        codec.failOnce.set(true);
        String id = "a".repeat(64);

        assertThatThrownBy(() -> store.createUntilNextUpdate(new Thing(id, "web")))
                .isInstanceOf(GantryException.class)
                .extracting(e -> ((GantryException) e).kind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED);

        assertThat(dir.resolve(id)).doesNotExist();
        assertThat(store.createUntilNextUpdate(new Thing("b".repeat(64), "web")).name()).as("the name is free again").isEqualTo("web");
    }
}
