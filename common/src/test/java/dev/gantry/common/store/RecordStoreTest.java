package dev.gantry.common.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
