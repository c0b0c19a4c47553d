package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.id.NameReservedException;
import dev.gantry.common.store.RecordStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerStoreTest {

    private static final String A = "a".repeat(64);
    private static final String B = "a".repeat(63) + "b";

    @TempDir
    Path root;

    @Test
    void update_isOnDiskBeforeItIsVisible_andSurvivesReload() {
        var store = new ContainerStore(root);
        store.load();
        store.create(ContainerFixtures.container(A, "web", new ContainerState.Created()));
        Instant started = Instant.parse("2026-11-24T10:00:00Z");

        store.update(A, c -> c.withState(new ContainerState.Running(started)));
        var reloaded = new ContainerStore(root);
        reloaded.load();

        assertThat(reloaded.get(A).state()).isEqualTo(new ContainerState.Running(started));
        assertThat(reloaded.findByName("web_pod_default_uid_1")).map(Container::id).contains(A);
    }

    @Test
    void create_sameNameTwice_isAlreadyExistsNamingTheHolder() {
        var store = new ContainerStore(root);
        store.load();
        store.create(ContainerFixtures.container(A, "web", new ContainerState.Created()));

        assertThatThrownBy(() -> store.create(ContainerFixtures.container(B, "web", new ContainerState.Created())))
                .isInstanceOf(NameReservedException.class).hasMessageContaining(A);
        assertThat(Files.exists(store.directory(B))).isFalse();
    }

    @Test
    void get_uniquePrefix_findsIt_ambiguousPrefix_isInvalid_unknown_isNotFound() {
        var store = new ContainerStore(root);
        store.load();
        store.create(ContainerFixtures.container(A, "web", new ContainerState.Created()));
        store.create(ContainerFixtures.container(B, "db", new ContainerState.Created()));

        assertThat(store.get(B.substring(0, 64)).id()).isEqualTo(B);
        assertThatThrownBy(() -> store.get("aaaa")).isInstanceOfSatisfying(GantryException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThatThrownBy(() -> store.get("ff")).isInstanceOfSatisfying(GantryException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void remove_deletesTheDirectoryAndName_andIsIdempotent() throws Exception {
        var store = new ContainerStore(root);
        store.load();
        store.create(ContainerFixtures.container(A, "web", new ContainerState.Created()));
        Files.createDirectories(store.directory(A).resolve("upper/etc"));
        Files.writeString(store.directory(A).resolve("upper/etc/x"), "x");

        store.remove(A);
        store.remove(A);

        assertThat(Files.exists(store.directory(A))).isFalse();
        assertThat(store.find(A)).isEmpty();
        store.create(ContainerFixtures.container(B, "web", new ContainerState.Created()));
    }

    @Test
    void load_brokenRecord_isReportedNotThrown_andOthersLoad() throws Exception {
        var store = new ContainerStore(root);
        store.load();
        store.create(ContainerFixtures.container(A, "web", new ContainerState.Created()));
        Files.createDirectories(root.resolve(B));
        Files.writeString(root.resolve(B).resolve("container.json"), "{not json");

        var broken = new ContainerStore(root).load();

        assertThat(broken).extracting(RecordStore.BrokenRecord::directory).containsExactly(root.resolve(B));
    }

    @Test
    void filter_byPodStateAndLabels() {
        Container web = ContainerFixtures.container(A, "web", new ContainerState.Created());

        assertThat(new ContainerFilter(Optional.of("aaa"), Optional.of(ContainerState.Created.class),
                Optional.of(ContainerFixtures.POD.substring(0, 6)), Map.of("app", "web")).matches(web)).isTrue();
        assertThat(new ContainerFilter(Optional.empty(), Optional.of(ContainerState.Running.class),
                Optional.empty(), Map.of()).matches(web)).isFalse();
        assertThat(new ContainerFilter(Optional.empty(), Optional.empty(), Optional.of("c"), Map.of()).matches(web)).isFalse();
        assertThat(new ContainerFilter(Optional.empty(), Optional.empty(), Optional.empty(), Map.of("app", "db")).matches(web)).isFalse();
    }
}
