package dev.gantry.linux.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOpsTest {

    @TempDir
    Path tmp;

    @Test
    void lgetxattr_absentName_isEmpty() throws IOException {
        Path file = Files.createFile(tmp.resolve("f"));

        assertThat(FileOps.lgetxattr(file, "user.none")).isEmpty();
    }

    @Test
    void lgetxattr_valueLargerThanFirstBuffer_isReadWhole() throws IOException {
        Path file = Files.createFile(tmp.resolve("f"));
        byte[] value = new byte[3000];
        Arrays.fill(value, (byte) 'v');
        FileOps.lsetxattr(file, "user.big", value);

        assertThat(FileOps.lgetxattr(file, "user.big")).hasValueSatisfying(v -> assertThat(v).containsExactly(value));
    }

    @Test
    void llistxattr_noAttributes_isEmpty() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("l"), Path.of("nowhere"));

        assertThat(FileOps.llistxattr(link)).isEmpty();
    }

    @Test
    void lsetxattr_missingFile_namesCallPathAndReason() {
        Path missing = tmp.resolve("missing");

        assertThatThrownBy(() -> FileOps.lsetxattr(missing, "user.a", new byte[] {1}))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("lsetxattr user.a " + missing + ": No such file or directory")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.ENOENT));
    }

    @Test
    void mknod_fifoAndEmptyFile_haveTheirTypes() throws IOException {
        Path fifo = tmp.resolve("p");
        Path file = tmp.resolve("r");

        FileOps.mknod(fifo, FileOps.S_IFIFO | 0644, 0, 0);
        FileOps.mknod(file, FileOps.S_IFREG | 0644, 0, 0);

        assertThat(mode(fifo) & FileOps.S_IFMT).isEqualTo(FileOps.S_IFIFO);
        assertThat(Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.size(file)).isZero();
    }

    @Test
    void mknod_existingSymlink_failsWithEexistAndLeavesTarget() throws IOException {
        Path target = tmp.resolve("target");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);

        assertThatThrownBy(() -> FileOps.mknod(link, FileOps.S_IFREG | 0644, 0, 0))
                .isInstanceOf(ErrnoException.class)
                .hasMessageStartingWith("mknod " + link + ": File exists")
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.EEXIST));
        assertThat(target).doesNotExist();
    }

    @Test
    void makedev_glibcEncoding_roundTrips() {
        assertThat(FileOps.makedev(8, 1)).isEqualTo(0x801L);
        assertThat(FileOps.makedev(0x12345, 0x6789a)).isEqualTo(0x0001_2000_6783_459aL);
        assertThat(FileOps.major(FileOps.makedev(0xfffff, 0xfffff))).isEqualTo(0xfffff);
        assertThat(FileOps.minor(FileOps.makedev(0xfffff, 0xfffff))).isEqualTo(0xfffff);
    }

    @Test
    void mkdir_modeAndExisting_behaveLikeMkdir2() throws IOException {
        Path dir = tmp.resolve("d");

        FileOps.mkdir(dir, 0700);

        assertThat(mode(dir) & 07777).isEqualTo(0700);
        assertThatThrownBy(() -> FileOps.mkdir(dir, 0700))
                .isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.EEXIST));
    }

    @Test
    void symlink_targetWithDoubleAndTrailingSlash_isStoredVerbatim() throws Exception {
        Path link = tmp.resolve("l");

        FileOps.symlink("a//b/", link);

        assertThat(run("readlink", link.toString())).isEqualTo("a//b/");
    }

    @Test
    void chmod_setuidSetgidSticky_allTwelveBitsSet() throws IOException {
        Path file = Files.createFile(tmp.resolve("f"));
        Path dir = Files.createDirectory(tmp.resolve("d"));

        FileOps.chmod(file, 06755);
        FileOps.chmod(dir, 01777);

        assertThat(mode(file) & 07777).isEqualTo(06755);
        assertThat(mode(dir) & 07777).isEqualTo(01777);
    }

    @Test
    void lsetTimes_symlink_setsLinkTimesNotTarget() throws IOException {
        Path target = Files.createFile(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);
        FileTime targetBefore = Files.getLastModifiedTime(target);
        Instant mtime = Instant.ofEpochSecond(1_000_000_000L, 123_456_789);
        Instant atime = Instant.ofEpochSecond(900_000_000L, 5);

        FileOps.lsetTimes(link, atime, mtime);

        BasicFileAttributes attrs = Files.readAttributes(link, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertThat(attrs.lastModifiedTime().toInstant()).isEqualTo(mtime);
        assertThat(attrs.lastAccessTime().toInstant()).isEqualTo(atime);
        assertThat(Files.getLastModifiedTime(target)).isEqualTo(targetBefore);
    }

    @Test
    void statvfs_tempDir_agreesWithFileStore() throws IOException {
        FsStats stats = FileOps.statvfs(tmp);

        assertThat(stats.totalBytes()).isEqualTo(Files.getFileStore(tmp).getTotalSpace());
        assertThat(stats.freeBytes()).isBetween(stats.availableBytes(), stats.totalBytes());
        assertThat(stats.totalInodes()).isPositive();
        assertThat(stats.freeInodes()).isBetween(0L, stats.totalInodes());
    }

    @Test
    void statvfs_missingPath_throws() {
        assertThatThrownBy(() -> FileOps.statvfs(tmp.resolve("missing")))
                .isInstanceOf(ErrnoException.class)
                .hasMessageStartingWith("statvfs ");
    }

    @Test
    void umask_createdFile_hasDefaultModeNarrowedByIt() throws IOException {
        Path file = Files.createFile(tmp.resolve("f"));

        assertThat(FileOps.umask()).isPresent();
        assertThat(mode(file) & 0777).isEqualTo(0666 & ~FileOps.umask().getAsInt());
    }

    @Test
    void euidAndEgid_matchIdCommand() throws Exception {
        assertThat(Integer.toString(FileOps.euid())).isEqualTo(run("id", "-u"));
        assertThat(Integer.toString(FileOps.egid())).isEqualTo(run("id", "-g"));
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }

    @Test
    void syncfs_existingDirectory_succeeds_missingPathNamesCallAndPath() throws Exception {
        FileOps.syncfs(tmp);

        Path missing = tmp.resolve("missing");
        assertThatThrownBy(() -> FileOps.syncfs(missing))
                .isInstanceOf(ErrnoException.class)
                .hasMessageContaining("open")
                .hasMessageContaining(missing.toString());
    }
}
