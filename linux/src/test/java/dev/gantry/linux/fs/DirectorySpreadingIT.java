package dev.gantry.linux.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flag is read back with e2fsprogs' {@code lsattr}, not with our own ioctl, so a wrong request
 * number or argument size cannot pass for a right one. Needs ext2/3/4 under the temp directory for
 * the marking tests (the development machine's /tmp is ext4) and a tmpfs at /dev/shm for the other.
 */
class DirectorySpreadingIT {

    @TempDir
    Path tmp;

    @Test
    void spreadSubdirectories_onExt4_setsTheTopdirFlagKeepingOthers() throws Exception {
        assumeTrue(onExt4(tmp), "the temp directory is not on ext2/3/4");
        Path dir = Files.createDirectory(tmp.resolve("pods"));
        run("chattr", "+A", dir.toString()); // another flag, which the marking must keep

        assertThat(DirectorySpreading.spreadSubdirectories(dir)).isTrue();

        assertThat(attributes(dir)).contains("T").contains("A");
    }

    @Test
    void spreadSubdirectories_twice_isIdempotent() throws Exception {
        assumeTrue(onExt4(tmp), "the temp directory is not on ext2/3/4");
        Path dir = Files.createDirectory(tmp.resolve("containers"));

        assertThat(DirectorySpreading.spreadSubdirectories(dir)).isTrue();
        assertThat(DirectorySpreading.spreadSubdirectories(dir)).isTrue();

        assertThat(attributes(dir)).contains("T");
    }

    @Test
    void spreadSubdirectories_onTmpfs_saysUnsupportedAndChangesNothing() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && "tmpfs".equals(Files.getFileStore(shm).type()), "no tmpfs at /dev/shm");
        Path dir = Files.createTempDirectory(shm, "gantry-spread-");
        try {
            assertThat(DirectorySpreading.spreadSubdirectories(dir)).isFalse();
            assertThat(Files.isDirectory(dir)).isTrue();
        } finally {
            Files.delete(dir);
        }
    }

    @Test
    void spreadSubdirectories_regularFile_isRefusedNamingIt() throws IOException {
        Path file = Files.createFile(tmp.resolve("record.json"));

        assertThatThrownBy(() -> DirectorySpreading.spreadSubdirectories(file))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining(file.toString())
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.ENOTDIR));
    }

    @Test
    void spreadSubdirectories_symlinkToDirectory_isNotFollowed() throws Exception {
        assumeTrue(onExt4(tmp), "the temp directory is not on ext2/3/4");
        Path target = Files.createDirectory(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);

        assertThatThrownBy(() -> DirectorySpreading.spreadSubdirectories(link)).isInstanceOf(ErrnoException.class);

        assertThat(attributes(target)).doesNotContain("T");
    }

    @Test
    void spreadSubdirectories_missing_isRefusedNamingIt() {
        Path missing = tmp.resolve("gone");

        assertThatThrownBy(() -> DirectorySpreading.spreadSubdirectories(missing))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining(missing.toString());
    }

    private static boolean onExt4(Path path) throws IOException {
        return List.of("ext2", "ext3", "ext4").contains(Files.getFileStore(path).type());
    }

    /** lsattr's flag letters for the directory itself, e.g. {@code "-------------Te-------"}. */
    private static String attributes(Path dir) throws Exception {
        return run("lsattr", "-d", dir.toString()).split("\\s+")[0];
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
