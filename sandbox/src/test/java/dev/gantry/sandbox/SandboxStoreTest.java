package dev.gantry.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.common.id.Ids;
import dev.gantry.common.id.NameReservedException;
import dev.gantry.common.store.RecordStore;
import dev.gantry.sandbox.infra.InfraPid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxStoreTest {

    @TempDir
    Path root;

    private SandboxStore store() {
        SandboxStore store = new SandboxStore(root);
        assertThat(store.load()).isEmpty();
        return store;
    }

    private static PodSandbox pod(String id, String name, Map<String, String> labels) {
        return new PodSandbox(id, new SandboxMetadata(name, "default", "uid-" + name, 0), SandboxState.READY,
                Instant.parse("2026-11-24T06:30:18.123456789Z"), labels, Map.of("a/b", "c"), "runc",
                "/var/log/pods/default_" + name, name, PodNetwork.namespace("/run/gantry/ns/net/" + id),
                new NamespaceOptions(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD),
                new SandboxPaths("/var/lib/gantry/pods/" + id, Map.of("net", "/run/gantry/ns/net/" + id), "/run/gantry/shm/" + id),
                "/kubepods/pod" + name, true, Optional.of(new InfraPid(4242, 987654321L)),
                Map.of("kernel.shm_rmid_forced", "1", "net.ipv4.ip_unprivileged_port_start", "80"));
    }

    private static PodSandbox pod(String name) {
        return pod(Ids.random(), name, Map.of("app", name));
    }

    @Test
    void create_newPod_getByIdAndPrefixAndRecordOnDisk() throws IOException {
        SandboxStore store = store();
        PodSandbox web = store.create(pod("web"));

        assertThat(store.get(web.id())).isEqualTo(web);
        assertThat(store.get(web.id().substring(0, 12))).isEqualTo(web);
        assertThat(store.find(web.id())).contains(web);
        assertThat(store.findByName("web_default_uid-web_0")).contains(web);
        assertThat(store.list()).containsExactly(web);
        String json = Files.readString(root.resolve("pods").resolve(web.id()).resolve("pod.json"));
        assertThat(json).contains("\"version\" : 1").contains("2026-11-24T06:30:18.123456789Z");
    }

    @Test
    void get_unknown_notFoundNamingIt() {
        SandboxStore store = store();
        assertThatThrownBy(() -> store.get("abc"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessage("pod sandbox abc not found");
        assertThat(store.find("abc")).isEmpty();
    }

    @Test
    void create_nameHeldByOtherPod_alreadyExistsNamingHolderAndNothingWritten() {
        SandboxStore store = store();
        PodSandbox first = store.create(pod("web"));
        PodSandbox second = pod(Ids.random(), "web", Map.of());

        assertThatThrownBy(() -> store.create(second))
                .isInstanceOfSatisfying(NameReservedException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.ALREADY_EXISTS);
                    assertThat(e.holder()).isEqualTo(first.id());
                })
                .hasMessageContaining("web_default_uid-web_0").hasMessageContaining(first.id());
        assertThat(root.resolve("pods").resolve(second.id())).doesNotExist();
        assertThat(store.list()).containsExactly(first);
    }

    @Test
    void update_stateAndNetwork_persistedAndVisible() {
        SandboxStore store = store();
        PodSandbox web = store.create(pod("web"));

        PodSandbox updated = store.update(web.id(), p -> p
                .withNetwork(p.network().withAttachment("gantry", "eth0", List.of("10.88.0.5", "fd00::5")))
                .withState(new SandboxState.NotReady("stopped")));

        assertThat(store.get(web.id())).isEqualTo(updated);
        assertThat(updated.network().primaryIp()).isEqualTo("10.88.0.5");
        SandboxStore reloaded = new SandboxStore(root);
        assertThat(reloaded.load()).isEmpty();
        assertThat(reloaded.get(web.id())).isEqualTo(updated);
    }

    @Test
    void update_unknownId_notFound() {
        SandboxStore store = store();
        assertThatThrownBy(() -> store.update(Ids.random(), p -> p))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    @Test
    void update_writeFails_memoryUnchanged() throws IOException {
        SandboxStore store = store();
        PodSandbox web = store.create(pod("web"));
        Path dir = root.resolve("pods").resolve(web.id());
        // a directory where the temp file's parent should be makes the write fail
        Files.delete(dir.resolve("pod.json"));
        Files.delete(dir);
        Files.writeString(dir, "not a directory");

        assertThatThrownBy(() -> store.update(web.id(), p -> p.withState(new SandboxState.NotReady("stopped"))))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERNAL));
        assertThat(store.get(web.id()).state()).isEqualTo(SandboxState.READY);
        Files.delete(dir);
    }

    @Test
    void load_afterRestart_allFieldsIntactIncludingNanoseconds() {
        SandboxStore store = store();
        PodSandbox web = store.create(pod("web"));
        PodSandbox db = store.create(pod(Ids.random(), "db", Map.of()).withNetwork(PodNetwork.host()));

        SandboxStore reloaded = new SandboxStore(root);
        assertThat(reloaded.load()).isEmpty();

        assertThat(reloaded.list()).containsExactlyInAnyOrder(web, db);
        assertThat(reloaded.get(web.id()).createdAt().getNano()).isEqualTo(123456789);
        assertThatThrownBy(() -> reloaded.create(pod(Ids.random(), "web", Map.of())))
                .isInstanceOf(NameReservedException.class);
    }

    @Test
    void load_recordFromBeforeSysctlsWereKept_podHasNone() throws IOException {
        SandboxStore store = store();
        PodSandbox web = store.create(pod("web"));
        Path record = store.directory(web.id()).resolve(SandboxStore.RECORD);
        var json = (ObjectNode) new ObjectMapper().readTree(record.toFile());
        json.remove("sysctls");
        Files.writeString(record, json.toString());

        SandboxStore reloaded = new SandboxStore(root);
        assertThat(reloaded.load()).isEmpty();

        assertThat(web.sysctls()).isNotEmpty();
        assertThat(reloaded.get(web.id()).sysctls()).isEmpty();
        assertThat(reloaded.get(web.id()).reservedName()).isEqualTo(web.reservedName());
    }

    @Test
    void remove_known_recordDirAndNameGoneAndIdempotent() throws IOException {
        SandboxStore store = store();
        PodSandbox web = store.create(pod("web"));
        Path dir = root.resolve("pods").resolve(web.id());
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/hosts"), "x");
        Files.createSymbolicLink(dir.resolve("escape"), root);

        assertThat(store.remove(web.id())).isTrue();
        assertThat(store.remove(web.id())).isFalse();

        assertThat(dir).doesNotExist();
        assertThat(root.resolve("pods")).exists();
        assertThat(store.find(web.id())).isEmpty();
        store.create(pod(Ids.random(), "web", Map.of()));
        SandboxStore reloaded = new SandboxStore(root);
        assertThat(reloaded.load()).isEmpty();
        assertThat(reloaded.list()).extracting(PodSandbox::id).doesNotContain(web.id());
    }

    @Test
    void remove_malformedId_invalidArgumentNothingTouched() {
        SandboxStore store = store();
        assertThatThrownBy(() -> store.remove("../../etc"))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
    }

    @Test
    void list_filters_byIdPrefixStateAndAllLabels() {
        SandboxStore store = store();
        PodSandbox web = store.create(pod(Ids.random(), "web", Map.of("app", "web", "tier", "front")));
        PodSandbox api = store.create(pod(Ids.random(), "api", Map.of("app", "api", "tier", "front")));
        PodSandbox old = store.update(store.create(pod(Ids.random(), "old", Map.of("app", "web"))).id(),
                p -> p.withState(new SandboxState.NotReady("stopped")));

        assertThat(store.list(SandboxStore.Filter.all())).containsExactlyInAnyOrder(web, api, old);
        assertThat(store.list(new SandboxStore.Filter(Optional.of(web.id().substring(0, 20)), Optional.empty(), Map.of())))
                .containsExactly(web);
        assertThat(store.list(new SandboxStore.Filter(Optional.empty(), Optional.of(SandboxState.NotReady.class), Map.of())))
                .containsExactly(old);
        assertThat(store.list(new SandboxStore.Filter(Optional.empty(), Optional.of(SandboxState.Ready.class), Map.of("tier", "front"))))
                .containsExactlyInAnyOrder(web, api);
        assertThat(store.list(new SandboxStore.Filter(Optional.empty(), Optional.empty(), Map.of("app", "web", "tier", "front"))))
                .containsExactly(web);
        assertThat(store.list(new SandboxStore.Filter(Optional.empty(), Optional.empty(), Map.of("app", "nope")))).isEmpty();
    }

    @Test
    void load_corruptAndMissingRecords_reportedNotThrownOthersLoaded() throws IOException {
        SandboxStore store = store();
        PodSandbox web = store.create(pod("web"));
        String corruptId = Ids.random();
        Path corrupt = Files.createDirectories(root.resolve("pods").resolve(corruptId));
        Files.writeString(corrupt.resolve("pod.json"), "{\"version\":1,\"id\":");
        Path newer = Files.createDirectories(root.resolve("pods").resolve(Ids.random()));
        Files.writeString(newer.resolve("pod.json"), "{\"version\":2}");
        Path empty = Files.createDirectories(root.resolve("pods").resolve(Ids.random()));
        Path stray = Files.createDirectories(root.resolve("pods").resolve("not-an-id"));

        SandboxStore reloaded = new SandboxStore(root);
        List<RecordStore.BrokenRecord> broken = reloaded.load();

        assertThat(reloaded.list()).containsExactly(web);
        assertThat(broken).extracting(RecordStore.BrokenRecord::directory).containsExactlyInAnyOrder(corrupt, newer, empty, stray);
        assertThat(broken).filteredOn(b -> b.directory().equals(newer)).singleElement()
                .extracting(RecordStore.BrokenRecord::problem).asString().contains("unsupported record version 2");
        assertThat(broken).filteredOn(b -> b.directory().equals(empty)).singleElement()
                .extracting(RecordStore.BrokenRecord::problem).isEqualTo("no pod.json");

        assertThat(reloaded.remove(corruptId)).isFalse();
        assertThat(corrupt).doesNotExist();
    }

    @Test
    void load_tempFileFromInterruptedWrite_deletedAndOldRecordKept() throws IOException {
        SandboxStore store = store();
        PodSandbox web = store.create(pod("web"));
        Path dir = root.resolve("pods").resolve(web.id());
        Path temp = dir.resolve(".pod.json.tmp-1234abcd");
        Files.writeString(temp, "{\"version\":1,\"id\":\"half");

        SandboxStore reloaded = new SandboxStore(root);
        assertThat(reloaded.load()).isEmpty();

        assertThat(reloaded.get(web.id())).isEqualTo(web);
        assertThat(temp).doesNotExist();
    }

    @Test
    void reservedName_metadata_nameNamespaceUidAttempt() {
        PodSandbox web = pod(Ids.random(), "web", Map.of());
        assertThat(web.reservedName()).isEqualTo("web_default_uid-web_0");
    }
}
