package dev.gantry.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gantry.linux.mount.LinuxMounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real overlay mounts (root). */
class ContainerRootfsIT {

    private static final ContainerRootfs ROOTFS = new ContainerRootfs(new LinuxMounter());

    private Path dir;
    private Path lower1;
    private Path lower2;
    private Path upper;
    private Path work;
    private Path target;
    private Process busy;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        dir = Files.createTempDirectory("gantry-rootfs-it");
        lower1 = Files.createDirectories(dir.resolve("snapshots/1/fs"));
        lower2 = Files.createDirectories(dir.resolve("snapshots/2/fs"));
        upper = dir.resolve("ctr/upper");
        work = dir.resolve("ctr/work");
        target = dir.resolve("run/rootfs");
        Files.writeString(lower1.resolve("base.txt"), "base");
        Files.writeString(lower1.resolve("shared.txt"), "from layer 1");
        Files.writeString(lower2.resolve("shared.txt"), "from layer 2");
        Files.writeString(lower2.resolve("top.txt"), "top");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (dir == null) {
            return;
        }
        try {
            if (busy != null) {
                busy.destroyForcibly().waitFor();
            }
            ROOTFS.unmount(target);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void mount_twoLayers_mergesWithUpperLayerWinningAndWritesGoToUpper() throws Exception {
        ROOTFS.mount(List.of(lower1, lower2), upper, work, target);

        assertThat(ROOTFS.isMounted(target)).isTrue();
        assertThat(Files.readString(target.resolve("base.txt"))).isEqualTo("base");
        assertThat(Files.readString(target.resolve("top.txt"))).isEqualTo("top");
        assertThat(Files.readString(target.resolve("shared.txt"))).isEqualTo("from layer 2");

        Files.writeString(target.resolve("new.txt"), "written");
        Files.writeString(target.resolve("base.txt"), "changed");

        assertThat(Files.readString(upper.resolve("new.txt"))).isEqualTo("written");
        assertThat(Files.readString(upper.resolve("base.txt"))).isEqualTo("changed");
        assertThat(Files.readString(lower1.resolve("base.txt"))).isEqualTo("base");
        assertThat(lower1.resolve("new.txt")).doesNotExist();
        assertThat(lower2.resolve("new.txt")).doesNotExist();
    }

    @Test
    void unmount_mounted_unmountsAndRepeatsAreFine() throws Exception {
        ROOTFS.mount(List.of(lower1, lower2), upper, work, target);

        ROOTFS.unmount(target);

        assertThat(ROOTFS.isMounted(target)).isFalse();
        assertThat(target.resolve("top.txt")).doesNotExist();
        ROOTFS.unmount(target);
        ROOTFS.unmount(dir.resolve("never/made"));
        assertThat(ROOTFS.isMounted(dir.resolve("never/made"))).isFalse();
    }

    @Test
    void mount_oneLayer_showsIt() throws Exception {
        ROOTFS.mount(List.of(lower1), upper, work, target);

        assertThat(Files.readString(target.resolve("shared.txt"))).isEqualTo("from layer 1");
    }

    @Test
    void mount_noLayers_givesEmptyWritableRoot() throws Exception {
        ROOTFS.mount(List.of(), upper, work, target);

        assertThat(ROOTFS.isMounted(target)).isTrue();
        try (Stream<Path> entries = Files.list(target)) {
            assertThat(entries).isEmpty();
        }
        Files.writeString(target.resolve("a"), "a");
        assertThat(upper.resolve("a")).exists();
    }

    @Test
    void unmount_processHasCwdInside_detachesLazily() throws Exception {
        ROOTFS.mount(List.of(lower1), upper, work, target);
        busy = new ProcessBuilder("/bin/sleep", "600").directory(target.toFile()).start();
        assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(busy.pid()), "cwd"))).isEqualTo(target);

        ROOTFS.unmount(target);

        assertThat(ROOTFS.isMounted(target)).isFalse();
    }
}
