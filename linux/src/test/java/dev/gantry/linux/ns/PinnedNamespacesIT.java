package dev.gantry.linux.ns;

import static dev.gantry.linux.ns.NsTestSupport.inode;
import static dev.gantry.linux.ns.NsTestSupport.mountsUnder;
import static dev.gantry.linux.ns.NsTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.fs.ErrnoException;
import dev.gantry.linux.mount.Mounts;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinnedNamespacesIT {

    private static final Set<NamespaceType> ALL = EnumSet.allOf(NamespaceType.class);
    private static final Path HOST_NET = Path.of("/proc/self/ns/net");

    @TempDir
    Path tmp;

    private Path base;
    private PinnedNamespaces namespaces;

    @BeforeEach
    void setUp() {
        base = tmp.resolve("ns");
        namespaces = new PinnedNamespaces(base);
    }

    @AfterEach
    void tearDown() throws IOException {
        NsTestSupport.unmountAll(tmp);
    }

    @Test
    void create_netIpcUts_pinsFreshNamespacesAsMountPoints() throws Exception {
        long hostNet = inode(HOST_NET);
        long hostIpc = inode(Path.of("/proc/self/ns/ipc"));
        String hostName = run("hostname").strip();

        Map<NamespaceType, Path> pins = namespaces.create("pod1", ALL, "web-0");

        assertThat(pins).containsOnlyKeys(NamespaceType.NET, NamespaceType.IPC, NamespaceType.UTS);
        assertThat(pins.get(NamespaceType.NET)).isEqualTo(base.resolve("net/pod1"));
        assertThat(mountsUnder(tmp)).containsExactlyInAnyOrder(
                real(base.resolve("net/pod1")), real(base.resolve("ipc/pod1")), real(base.resolve("uts/pod1")));
        assertThat(inode(pins.get(NamespaceType.NET))).isNotEqualTo(hostNet);
        assertThat(inode(pins.get(NamespaceType.IPC))).isNotEqualTo(hostIpc);
        assertThat(inode(HOST_NET)).as("caller's own netns").isEqualTo(hostNet);
        assertThat(run("nsenter", "--net=" + pins.get(NamespaceType.NET), "ip", "-o", "link").strip().lines())
                .singleElement().asString().contains(": lo:");
        assertThat(run("nsenter", "--uts=" + pins.get(NamespaceType.UTS), "hostname").strip()).isEqualTo("web-0");
        assertThat(run("hostname").strip()).as("host name unchanged").isEqualTo(hostName);
        assertThat(namespaces.path("pod1", NamespaceType.UTS)).contains(base.resolve("uts/pod1"));
        assertThat(namespaces.pinned()).containsExactly("pod1");
    }

    @Test
    void create_twoPods_getDistinctNamespaces() throws Exception {
        namespaces.create("a", Set.of(NamespaceType.NET), null);
        namespaces.create("b", Set.of(NamespaceType.NET), null);

        assertThat(inode(base.resolve("net/a"))).isNotEqualTo(inode(base.resolve("net/b")));
        assertThat(namespaces.path("a", NamespaceType.IPC)).isEmpty();
        assertThat(namespaces.pinned()).containsExactly("a", "b");
    }

    @Test
    void remove_calledTwice_leavesNoMountsAndNoFiles() throws Exception {
        namespaces.create("pod1", ALL, "web-0");

        namespaces.remove("pod1");
        namespaces.remove("pod1");

        assertThat(mountsUnder(tmp)).isEmpty();
        for (NamespaceType type : ALL) {
            assertThat(base.resolve(type.procName()).resolve("pod1")).doesNotExist();
            assertThat(namespaces.path("pod1", type)).isEmpty();
        }
        assertThat(namespaces.pinned()).isEmpty();
    }

    @Test
    void remove_neverCreated_isNoOp() throws IOException {
        namespaces.remove("ghost");

        assertThat(base).doesNotExist();
    }

    @Test
    void create_alreadyPinned_refusedAndExistingPinKept() throws Exception {
        namespaces.create("pod1", Set.of(NamespaceType.NET), null);
        long before = inode(base.resolve("net/pod1"));

        assertThatThrownBy(() -> namespaces.create("pod1", ALL, "x")).isInstanceOf(FileAlreadyExistsException.class);

        assertThat(inode(base.resolve("net/pod1"))).isEqualTo(before);
        assertThat(mountsUnder(tmp)).containsExactly(real(base.resolve("net/pod1")));
        assertThat(base.resolve("ipc/pod1")).doesNotExist();
    }

    @Test
    void create_lastPinFailsToMount_undoesEarlierPins() throws Exception {
        // A directory where the uts pin belongs: bind-mounting an ns file onto it fails after net and ipc are mounted.
        Path utsDir = Files.createDirectories(base.resolve("uts/pod1"));

        assertThatThrownBy(() -> namespaces.create("pod1", ALL, "web-0"))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("mount --bind")
                .hasMessageContaining(utsDir.toString());

        assertThat(mountsUnder(tmp)).isEmpty();
        assertThat(base.resolve("net/pod1")).doesNotExist();
        assertThat(base.resolve("ipc/pod1")).doesNotExist();
        assertThat(utsDir).as("not ours, left alone").isDirectory();
    }

    @Test
    void create_baseIsAFile_failsLeavingNothingMounted() throws Exception {
        Files.writeString(base, "not a directory");

        assertThatThrownBy(() -> namespaces.create("pod1", ALL, "web-0")).isInstanceOf(IOException.class);

        assertThat(mountsUnder(tmp)).isEmpty();
        assertThat(Files.readString(base)).isEqualTo("not a directory");
    }

    @Test
    void create_badArguments_rejectedBeforeAnything() {
        assertThatThrownBy(() -> namespaces.create("pod1", Set.of(), "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> namespaces.create("../up", ALL, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> namespaces.create("pod1", ALL, "h".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> namespaces.create("pod1", ALL, null)).isInstanceOf(IllegalArgumentException.class);

        assertThat(base).doesNotExist();
    }

    @Test
    void pinned_leftoverUnmountedFile_isListedAndRemovable() throws Exception {
        Files.createDirectories(base.resolve("ipc"));
        Files.createFile(base.resolve("ipc/stale"));

        assertThat(namespaces.pinned()).containsExactly("stale");
        assertThat(namespaces.path("stale", NamespaceType.IPC)).isEmpty();
        namespaces.remove("stale");
        assertThat(namespaces.pinned()).isEmpty();
    }

    private static String real(Path path) throws IOException {
        return path.toRealPath().toString();
    }
}
