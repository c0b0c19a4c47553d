package dev.gantry.linux.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.fs.ErrnoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountsIT {

    @TempDir
    Path tmp;

    /** JUnit deletes the temp dir after this; nothing may still be mounted in it. */
    @AfterEach
    void unmountEverythingUnderTmp() throws IOException {
        String root = tmp.toRealPath().toString();
        List<String> points = Mounts.mountPoints();
        for (String point : points.reversed()) {
            if (point.equals(root) || point.startsWith(root + "/")) {
                Mounts.unmount(Path.of(point));
            }
        }
        assertThat(Mounts.mountPoints()).noneMatch(p -> p.startsWith(root));
    }

    @Test
    void bind_directory_isMountPointUntilUnmounted() throws IOException {
        Path source = Files.createDirectory(tmp.resolve("source"));
        Files.writeString(source.resolve("marker"), "here");
        Path target = Files.createDirectory(tmp.resolve("target"));

        Mounts.bind(source, target);

        assertThat(Mounts.isMountPoint(target)).isTrue();
        assertThat(Files.readString(target.resolve("marker"))).isEqualTo("here");
        Mounts.unmount(target);
        assertThat(Mounts.isMountPoint(target)).isFalse();
        assertThat(target.resolve("marker")).doesNotExist();
    }

    @Test
    void bind_fileOnSameFileSystem_isMountPoint() throws IOException {
        Path source = Files.writeString(tmp.resolve("source"), "content");
        Path target = Files.createFile(tmp.resolve("target"));

        Mounts.bind(source, target);

        assertThat(Mounts.isMountPoint(target)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("content");
    }

    @Test
    void bind_missingSource_throwsErrnoNamingCallAndPaths() throws IOException {
        Path target = Files.createDirectory(tmp.resolve("target"));
        Path missing = tmp.resolve("missing");

        assertThatThrownBy(() -> Mounts.bind(missing, target))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("mount --bind " + missing)
                .hasMessageContaining(target.toString())
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.ENOENT));
        assertThat(Mounts.isMountPoint(target)).isFalse();
    }

    @Test
    void unmount_notMountedOrMissing_isNoOp() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("plain"));

        Mounts.unmount(dir);
        Mounts.unmount(dir);
        Mounts.unmount(tmp.resolve("missing"));

        assertThat(dir).isDirectory();
    }

    @Test
    void unmount_stackedBinds_leavesNothingMounted() throws IOException {
        Path source = Files.createDirectory(tmp.resolve("source"));
        Path target = Files.createDirectory(tmp.resolve("target"));
        Mounts.bind(source, target);
        Mounts.bind(source, target);

        Mounts.unmount(target);

        assertThat(Mounts.isMountPoint(target)).isFalse();
    }

    @Test
    void mountTmpfs_withModeAndSize_mountsTmpfsWithThatMode() throws IOException {
        Path shm = Files.createDirectory(tmp.resolve("shm"));

        Mounts.mountTmpfs(shm, "mode=1777,size=65536k");

        assertThat(Mounts.isMountPoint(shm)).isTrue();
        assertThat(((Integer) Files.getAttribute(shm, "unix:mode")) & 07777).isEqualTo(01777);
        String real = shm.toRealPath().toString();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")))
                .anyMatch(line -> Mounts.mountPointOf(line).equals(real) && line.contains(" - tmpfs ")
                        && line.contains("size=65536k") && line.contains("nosuid") && line.contains("nodev"));
        Files.writeString(shm.resolve("segment"), "x");
        Mounts.unmount(shm);
        assertThat(shm.resolve("segment")).doesNotExist();
    }

    @Test
    void mountTmpfs_badOption_throwsErrno() throws IOException {
        Path shm = Files.createDirectory(tmp.resolve("shm"));

        assertThatThrownBy(() -> Mounts.mountTmpfs(shm, "size=lots"))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("tmpfs")
                .hasMessageContaining(shm.toString());
        assertThat(Mounts.isMountPoint(shm)).isFalse();
    }

    @Test
    void isMountPoint_pathWithSpace_matchesEscapedMountinfo() throws IOException {
        Path source = Files.createDirectory(tmp.resolve("source"));
        Path target = Files.createDirectory(tmp.resolve("with space\tand tab"));

        Mounts.bind(source, target);

        assertThat(Mounts.isMountPoint(target)).isTrue();
        assertThat(Mounts.isMountPoint(source)).isFalse();
    }

    @Test
    void mountPointOf_octalEscapes_areDecoded() {
        String line = "36 35 98:0 /mnt1 /mnt/a\\040b\\134c rw,noatime master:1 - ext3 /dev/root rw";

        assertThat(Mounts.mountPointOf(line)).isEqualTo("/mnt/a b\\c");
        assertThat(Mounts.mountPointOf("garbage")).isEmpty();
    }
}
