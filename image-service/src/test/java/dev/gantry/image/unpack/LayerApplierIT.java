package dev.gantry.image.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.linux.fs.FileOps;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerApplierIT {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path layer;

    private final LayerApplier applier = new LayerApplier();

    @Test
    void apply_regularFile_keepsContentOwnerModeAndTime() throws IOException {
        Instant mtime = Instant.parse("2020-01-02T03:04:05.1234567Z");
        byte[] tar = new TarBuilder().file("etc/app.conf", "key=value\n", e -> {
            e.setIds(1000, 2000);
            e.setMode(0640);
            e.setLastModifiedTime(FileTime.from(mtime));
        }).bytes();

        ApplyResult result = applier.apply(new ByteArrayInputStream(tar), layer);

        Path file = layer.resolve("etc/app.conf");
        assertThat(file).hasContent("key=value");
        assertThat(uid(file)).isEqualTo(1000);
        assertThat(gid(file)).isEqualTo(2000);
        assertThat(mode(file)).isEqualTo(FileOps.S_IFREG | 0640);
        assertThat(Files.getLastModifiedTime(file).toInstant()).isEqualTo(mtime);
        assertThat(result).isEqualTo(new ApplyResult(1, tar.length));
    }

    @Test
    void apply_missingParents_createdRootOwned0755() throws IOException {
        applier.apply(new TarBuilder().file("a/b/c", "x", e -> e.setIds(7, 7)).stream(), layer);

        for (Path dir : new Path[] {layer.resolve("a"), layer.resolve("a/b")}) {
            assertThat(mode(dir)).isEqualTo(FileOps.S_IFDIR | 0755);
            assertThat(uid(dir)).isZero();
            assertThat(gid(dir)).isZero();
        }
    }

    @Test
    void apply_emptyAndLargeFiles_haveExactContent() throws IOException {
        byte[] large = new byte[3 * 128 * 1024 + 17];
        new java.util.Random(42).nextBytes(large);
        byte[] tar = new TarBuilder()
                .file("empty", "", e -> e.setMode(0600))
                .file("large", large, e -> {})
                .file("after", "tail")
                .bytes();

        applier.apply(new ByteArrayInputStream(tar), layer);

        assertThat(layer.resolve("empty")).isEmptyFile();
        assertThat(mode(layer.resolve("empty"))).isEqualTo(FileOps.S_IFREG | 0600);
        assertThat(Files.readAllBytes(layer.resolve("large"))).isEqualTo(large);
        assertThat(layer.resolve("after")).hasContent("tail");
    }

    @Test
    void apply_setuidSetgidSticky_keptAfterChown() throws IOException {
        applier.apply(new TarBuilder()
                .file("bin/su", "elf", e -> {
                    e.setMode(04755);
                    e.setIds(0, 0);
                })
                .file("bin/wall", "elf", e -> {
                    e.setMode(02755);
                    e.setIds(1000, 5);
                })
                .file("bin/own", "elf", e -> {
                    e.setMode(06711);
                    e.setIds(1000, 1000);
                })
                .dir("tmp", e -> e.setMode(01777))
                .dir("shared", e -> {
                    e.setMode(02775);
                    e.setIds(0, 50);
                })
                .file("shared/f", "x")
                .dir("shared/sub", e -> e.setMode(0750))
                .stream(), layer);

        assertThat(mode(layer.resolve("bin/su")) & 07777).isEqualTo(04755);
        assertThat(mode(layer.resolve("bin/wall")) & 07777).isEqualTo(02755);
        assertThat(mode(layer.resolve("bin/own")) & 07777).isEqualTo(06711);
        assertThat(uid(layer.resolve("bin/own"))).isEqualTo(1000);
        assertThat(mode(layer.resolve("tmp"))).isEqualTo(FileOps.S_IFDIR | 01777);
        assertThat(mode(layer.resolve("shared")) & 07777).isEqualTo(02775);
        // children of a setgid directory would inherit its group and bit: the archive's owner and mode win
        assertThat(gid(layer.resolve("shared/f"))).isZero();
        assertThat(gid(layer.resolve("shared/sub"))).isZero();
        assertThat(mode(layer.resolve("shared/sub")) & 07777).isEqualTo(0750);
    }

    @Test
    void apply_directoryTimes_setAfterTheirChildren() throws IOException {
        Instant dirTime = Instant.parse("2001-01-01T00:00:00Z");
        applier.apply(new TarBuilder()
                .dir("d", e -> {
                    e.setLastModifiedTime(FileTime.from(dirTime));
                    e.setMode(0700);
                    e.setIds(5, 6);
                })
                .file("d/f1", "1")
                .dir("d/sub", e -> e.setLastModifiedTime(FileTime.from(dirTime.plusSeconds(60))))
                .file("d/sub/f2", "2")
                .stream(), layer);

        assertThat(Files.getLastModifiedTime(layer.resolve("d")).toInstant()).isEqualTo(dirTime);
        assertThat(Files.getLastModifiedTime(layer.resolve("d/sub")).toInstant()).isEqualTo(dirTime.plusSeconds(60));
        assertThat(mode(layer.resolve("d"))).isEqualTo(FileOps.S_IFDIR | 0700);
        assertThat(uid(layer.resolve("d"))).isEqualTo(5);
    }

    @Test
    void apply_symlink_keepsTargetOwnerAndTimeOfTheLinkItself() throws IOException {
        applier.apply(new TarBuilder()
                .file("usr/lib/libz.so.1", "lib")
                .symlink("usr/lib/libz.so", "libz.so.1", e -> e.setIds(3, 4))
                .symlink("dangling", "/no/such/file")
                .stream(), layer);

        Path link = layer.resolve("usr/lib/libz.so");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("libz.so.1"));
        assertThat(link).hasContent("lib");
        assertThat(uid(link)).isEqualTo(3);
        assertThat(gid(link)).isEqualTo(4);
        assertThat(Files.readAttributes(link, BasicFileAttributes.class, NOFOLLOW).lastModifiedTime().toInstant())
                .isEqualTo(TarBuilder.TIME);
        assertThat(Files.readSymbolicLink(layer.resolve("dangling"))).isEqualTo(Path.of("/no/such/file"));
    }

    @Test
    void apply_hardlinks_shareTheInodeOfAnEarlierEntry() throws IOException {
        applier.apply(new TarBuilder()
                .file("bin/busybox", "multi", e -> e.setMode(0755))
                .hardlink("bin/sh", "bin/busybox")
                .hardlink("usr/bin/ls", "/bin/busybox")
                .stream(), layer);

        Object key = Files.readAttributes(layer.resolve("bin/busybox"), BasicFileAttributes.class).fileKey();
        assertThat(Files.readAttributes(layer.resolve("bin/sh"), BasicFileAttributes.class).fileKey()).isEqualTo(key);
        assertThat(Files.readAttributes(layer.resolve("usr/bin/ls"), BasicFileAttributes.class).fileKey()).isEqualTo(key);
        assertThat(Files.getAttribute(layer.resolve("bin/busybox"), "unix:nlink")).isEqualTo(3);
    }

    @Test
    void apply_hardlinkToSymlink_linksTheSymlinkItself() throws IOException {
        applier.apply(new TarBuilder().symlink("l", "/etc").hardlink("h", "l").stream(), layer);

        assertThat(Files.readSymbolicLink(layer.resolve("h"))).isEqualTo(Path.of("/etc"));
    }

    @Test
    void apply_devicesAndFifo_createdWithNumbersAndModes() throws IOException {
        applier.apply(new TarBuilder()
                .device("dev/null", TarConstants.LF_CHR, 1, 3)
                .device("dev/sda", TarConstants.LF_BLK, 8, 0)
                .device("dev/big", TarConstants.LF_CHR, 4095, 1048575)
                .fifo("run/initctl")
                .stream(), layer);

        assertThat(mode(layer.resolve("dev/null"))).isEqualTo(FileOps.S_IFCHR | 0600);
        assertThat(rdev(layer.resolve("dev/null"))).containsExactly(1, 3);
        assertThat(mode(layer.resolve("dev/sda"))).isEqualTo(FileOps.S_IFBLK | 0600);
        assertThat(rdev(layer.resolve("dev/sda"))).containsExactly(8, 0);
        assertThat(rdev(layer.resolve("dev/big"))).containsExactly(4095, 1048575);
        assertThat(mode(layer.resolve("run/initctl"))).isEqualTo(FileOps.S_IFIFO | 0644);
    }

    @Test
    void apply_paxXattrs_setOnFilesDirsAndSymlinks() throws IOException {
        applier.apply(new TarBuilder()
                .file("f", "x", e -> e.addPaxHeader("SCHILY.xattr.user.note", "hello"))
                .dir("d", e -> e.addPaxHeader("SCHILY.xattr.trusted.mark", "dir"))
                .symlink("l", "f", e -> e.addPaxHeader("SCHILY.xattr.trusted.mark", "link"))
                .stream(), layer);

        assertThat(xattr(layer.resolve("f"), "user.note")).isEqualTo("hello");
        assertThat(xattr(layer.resolve("d"), "trusted.mark")).isEqualTo("dir");
        assertThat(xattr(layer.resolve("l"), "trusted.mark")).isEqualTo("link");
        assertThat(FileOps.lgetxattr(layer.resolve("f"), "trusted.mark")).isEmpty();
    }

    @Test
    void apply_securityCapability_binaryValueSurvivesOwnerChange() throws IOException {
        // VFS_CAP_REVISION_2, effective; permitted = CAP_SETUID (7) | CAP_NET_RAW (13): bytes >= 0x80 included
        byte[] capability = {0x01, 0x00, 0x00, 0x02, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        byte[] tar = new RawTar()
                .pax('x', RawTar.record("SCHILY.xattr.security.capability", capability), RawTar.record("uid", "1000"))
                .header("usr/bin/ping", '0', 3, 0755, "")
                .content("elf".getBytes(StandardCharsets.US_ASCII))
                .end();

        applier.apply(new ByteArrayInputStream(tar), layer);

        Path ping = layer.resolve("usr/bin/ping");
        assertThat(uid(ping)).isEqualTo(1000);
        assertThat(FileOps.lgetxattr(ping, "security.capability")).hasValueSatisfying(v -> assertThat(v).isEqualTo(capability));
    }

    @Test
    void apply_overlayXattrsInTheArchive_areDropped() throws IOException {
        applier.apply(new TarBuilder()
                .dir("d", e -> {
                    e.addPaxHeader("SCHILY.xattr.trusted.overlay.opaque", "y");
                    e.addPaxHeader("SCHILY.xattr.trusted.overlay.redirect", "/etc");
                    e.addPaxHeader("SCHILY.xattr.user.overlay.opaque", "y");
                    e.addPaxHeader("SCHILY.xattr.user.kept", "1");
                })
                .stream(), layer);

        assertThat(FileOps.llistxattr(layer.resolve("d"))).containsExactly("user.kept");
    }

    @Test
    void apply_whiteoutFile_becomesCharDevice00() throws IOException {
        ApplyResult result = applier.apply(new TarBuilder()
                .dir("etc")
                .file("etc/.wh.passwd", "")
                .file("gone/deeper/.wh.x", "")
                .stream(), layer);

        Path whiteout = layer.resolve("etc/passwd");
        assertThat(mode(whiteout) & FileOps.S_IFMT).isEqualTo(FileOps.S_IFCHR);
        assertThat(rdev(whiteout)).containsExactly(0, 0);
        assertThat(layer.resolve("etc/.wh.passwd")).doesNotExist();
        assertThat(rdev(layer.resolve("gone/deeper/x"))).containsExactly(0, 0);
        assertThat(result.entries()).isEqualTo(3);
    }

    @Test
    void apply_opaqueMarker_setsXattrKeepingTheLayersOwnContents() throws IOException {
        applier.apply(new TarBuilder()
                .dir("var/cache", e -> e.setMode(0700))
                .file("var/cache/.wh..wh..opq", "")
                .file("var/cache/new", "mine")
                .file("absent/.wh..wh..opq", "")
                .file(".wh..wh..plnk/123", "")
                .stream(), layer);

        assertThat(xattr(layer.resolve("var/cache"), "trusted.overlay.opaque")).isEqualTo("y");
        assertThat(layer.resolve("var/cache/new")).hasContent("mine");
        assertThat(mode(layer.resolve("var/cache"))).isEqualTo(FileOps.S_IFDIR | 0700);
        assertThat(xattr(layer.resolve("absent"), "trusted.overlay.opaque")).isEqualTo("y");
        assertThat(mode(layer.resolve("absent"))).isEqualTo(FileOps.S_IFDIR | 0755);
        assertThat(layer.resolve(".wh..wh..opq")).doesNotExist();
        assertThat(layer.resolve("var/cache/.wh..wh..opq")).doesNotExist();
    }

    @Test
    void apply_opaqueMarkerBeforeItsDirectoryEntry_keepsXattrAndTakesDirMetadata() throws IOException {
        applier.apply(new TarBuilder()
                .file("d/.wh..wh..opq", "")
                .dir("d", e -> e.setMode(0711))
                .stream(), layer);

        assertThat(xattr(layer.resolve("d"), "trusted.overlay.opaque")).isEqualTo("y");
        assertThat(mode(layer.resolve("d"))).isEqualTo(FileOps.S_IFDIR | 0711);
    }

    @Test
    void apply_whiteoutOfANameThisLayerHas_leavesTheEntry() throws IOException {
        applier.apply(new TarBuilder()
                .file("a/b", "kept")
                .file("a/.wh.b", "")
                .file("a/.wh.c", "")
                .file("a/c", "replaces the whiteout")
                .stream(), layer);

        assertThat(layer.resolve("a/b")).hasContent("kept");
        assertThat(layer.resolve("a/c")).hasContent("replaces the whiteout");
    }

    @Test
    void apply_entryOverExistingPath_replacesIt() throws IOException {
        applier.apply(new TarBuilder()
                .file("x", "file first")
                .dir("x")
                .dir("y")
                .file("y/child", "c")
                .file("y", "file over dir")
                .symlink("z", "x")
                .file("z", "file over symlink")
                .file("w", "old")
                .symlink("w", "x")
                .file("v", "old")
                .file("v", "new")
                .stream(), layer);

        assertThat(layer.resolve("x")).isDirectory();
        assertThat(layer.resolve("y")).isRegularFile().hasContent("file over dir");
        assertThat(Files.isSymbolicLink(layer.resolve("z"))).isFalse();
        assertThat(layer.resolve("z")).hasContent("file over symlink");
        assertThat(Files.readSymbolicLink(layer.resolve("w"))).isEqualTo(Path.of("x"));
        assertThat(layer.resolve("v")).hasContent("new");
    }

    @Test
    void apply_directoryOverDirectory_keepsContentsAndTakesNewMetadata() throws IOException {
        applier.apply(new TarBuilder()
                .dir("d", e -> e.addPaxHeader("SCHILY.xattr.user.a", "1"))
                .file("d/f", "kept")
                .dir("d", e -> {
                    e.setMode(0750);
                    e.setIds(9, 9);
                    e.addPaxHeader("SCHILY.xattr.user.b", "2");
                })
                .stream(), layer);

        assertThat(layer.resolve("d/f")).hasContent("kept");
        assertThat(mode(layer.resolve("d"))).isEqualTo(FileOps.S_IFDIR | 0750);
        assertThat(uid(layer.resolve("d"))).isEqualTo(9);
        assertThat(xattr(layer.resolve("d"), "user.b")).isEqualTo("2");
    }

    @Test
    void apply_dirReplacedAfterASymlinkWasCachedAsParent_landsInTheNewDir() throws IOException {
        applier.apply(new TarBuilder()
                .dir("real")
                .symlink("lib", "real")
                .file("lib/a", "through the link")
                .dir("lib")
                .file("lib/b", "in the new dir")
                .stream(), layer);

        assertThat(layer.resolve("real/a")).hasContent("through the link");
        assertThat(layer.resolve("lib")).isDirectory();
        assertThat(Files.isSymbolicLink(layer.resolve("lib"))).isFalse();
        assertThat(layer.resolve("lib/b")).hasContent("in the new dir");
        assertThat(layer.resolve("real/b")).doesNotExist();
    }

    @Test
    void apply_rootEntry_takesRootMetadata() throws IOException {
        applier.apply(new TarBuilder().dir("./", e -> e.setMode(0711)).file("./a", "x").stream(), layer);

        assertThat(mode(layer) & 07777).isEqualTo(0711);
        assertThat(layer.resolve("a")).hasContent("x");
    }

    @Test
    void apply_rootAsNonDirectory_isRefused() {
        byte[] tar = new RawTar().header("./", '2', 0, 0777, "elsewhere").end();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("apply layer entry \"./\": refused, it would replace the layer root with a non-directory");
        assertThat(Files.isSymbolicLink(layer)).isFalse();
    }

    @Test
    void apply_longNamesBigIdsAndSubSecondTimes_inPaxAndGnuForms() throws IOException {
        String longName = "deep/" + "d".repeat(120) + "/" + "f".repeat(150);
        String longTarget = "t".repeat(150);
        for (int[] mode : new int[][] {
                {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.BIGNUMBER_POSIX},
                {TarArchiveOutputStream.LONGFILE_GNU, TarArchiveOutputStream.BIGNUMBER_STAR}}) {
            Path dir = Files.createDirectory(layer.resolve("mode" + mode[0]));
            applier.apply(new TarBuilder(mode[0], mode[1])
                    .file(longName, "long", e -> e.setIds(2_100_000, 4_000_000))
                    .symlink("link", longTarget)
                    .stream(), dir);

            assertThat(dir.resolve(longName)).hasContent("long");
            assertThat(uid(dir.resolve(longName))).isEqualTo(2_100_000);
            assertThat(gid(dir.resolve(longName))).isEqualTo(4_000_000);
            assertThat(Files.readSymbolicLink(dir.resolve("link"))).isEqualTo(Path.of(longTarget));
        }
    }

    @Test
    void apply_bytesAfterTheEndMarker_areReadToEof() throws IOException {
        byte[] tar = new TarBuilder().file("a", "x").bytes();
        byte[] padded = Arrays.copyOf(tar, tar.length + 20_000);
        padded[padded.length - 1] = 7;
        InputStream in = new ByteArrayInputStream(padded);

        ApplyResult result = applier.apply(in, layer);

        assertThat(result.bytes()).isEqualTo(padded.length);
        assertThat(in.read()).isEqualTo(-1);
    }

    @Test
    void apply_truncatedArchive_failsNamingTheEntry() {
        byte[] tar = new TarBuilder().file("big", new byte[5000], e -> {}).bytes();
        byte[] truncated = Arrays.copyOf(tar, 512 + 1000);

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(truncated), layer))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("\"big\"")
                .hasMessageContaining("truncated");
    }

    @Test
    void apply_notATar_isRejected() {
        byte[] garbage = new byte[4096];
        new java.util.Random(1).nextBytes(garbage);

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(garbage), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("bad header checksum at offset 0");
    }

    @Test
    void apply_gzipLayerThroughDecompression_unpacks() throws IOException {
        byte[] tar = new TarBuilder().file("hello", "world").bytes();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (var out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(tar);
        }

        try (InputStream in = Decompression.open("application/vnd.oci.image.layer.v1.tar+gzip",
                new ByteArrayInputStream(gz.toByteArray()), dev.gantry.common.io.JdkRawInflater::new)) {
            assertThat(applier.apply(in, layer).bytes()).isEqualTo(tar.length);
        }
        assertThat(layer.resolve("hello")).hasContent("world");
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW);
    }

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW);
    }

    private static int gid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:gid", NOFOLLOW);
    }

    private static long[] rdev(Path p) throws IOException {
        long dev = (Long) Files.getAttribute(p, "unix:rdev", NOFOLLOW);
        return new long[] {FileOps.major(dev), FileOps.minor(dev)};
    }

    private static String xattr(Path p, String name) throws IOException {
        return new String(FileOps.lgetxattr(p, name).orElseThrow(), StandardCharsets.UTF_8);
    }
}
