package dev.gantry.image.unpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.linux.fs.FileOps;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Archives built to escape the snapshot directory. Each test checks the exact refusal or the
 * confined location, and that the sentinel directory beside the layer is exactly as it was.
 */
class LayerApplierHostileIT {

    @TempDir
    Path tmp;

    private Path layer;
    private Path outside;
    /** The sentinel's absolute path without its leading slash: where it appears inside the layer. */
    private String outsideInLayer;
    private Map<String, String> outsideBefore;
    private final LayerApplier applier = new LayerApplier();

    @BeforeEach
    void sentinel() throws IOException {
        layer = Files.createDirectory(tmp.resolve("layer"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s3cret");
        Files.createDirectory(outside.resolve("etc"));
        Files.writeString(outside.resolve("etc/passwd"), "root:x:0:0");
        outsideInLayer = outside.toString().substring(1);
        outsideBefore = snapshot(outside);
    }

    @AfterEach
    void outsideUntouched() throws IOException {
        assertThat(snapshot(outside)).isEqualTo(outsideBefore);
        try (Stream<Path> top = Files.list(tmp)) {
            assertThat(top).containsExactlyInAnyOrder(layer, outside);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside/pwned", "a/../../outside/pwned", "/../outside/pwned", "./../outside/pwned", ".."})
    void apply_nameClimbingAboveRoot_isRefused(String name) throws IOException {
        byte[] tar = new RawTar().file("first", "ok").file(name, "pwned").end();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("apply layer entry \"" + name + "\": refused, its name climbs above the layer root")
                .satisfies(e -> assertThat(((LayerRejectedException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThat(outside.resolve("pwned")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(ints = {TarArchiveOutputStream.LONGFILE_POSIX, TarArchiveOutputStream.LONGFILE_GNU})
    void apply_longNameClimbingAboveRoot_isRefused(int longFileMode) {
        String name = "x/".repeat(60) + "../".repeat(61) + "outside/pwned";
        byte[] tar = new TarBuilder(longFileMode, TarArchiveOutputStream.BIGNUMBER_POSIX).file(name, "pwned").bytes();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("climbs above the layer root");
        assertThat(outside.resolve("pwned")).doesNotExist();
    }

    @Test
    void apply_absoluteNames_landInsideTheLayer() throws IOException {
        applier.apply(new TarBuilder()
                .file("/etc/passwd", "inside")
                .file(outside.resolve("secret").toString(), "inside too")
                .stream(), layer);

        assertThat(layer.resolve("etc/passwd")).hasContent("inside");
        assertThat(layer.resolve(outsideInLayer + "/secret")).hasContent("inside too");
    }

    @Test
    void apply_writesThroughAbsoluteSymlinkToOutside_areConfined() throws IOException {
        applier.apply(new TarBuilder()
                .file("a", "a")
                .symlink("evil", outside.toString())
                .file("evil/pwned", "confined")
                .file("evil/secret", "confined")
                .dir("evil/newdir")
                .symlink("evil/link", "/")
                .hardlink("evil/hard", "a")
                .device("evil/dev", TarConstants.LF_CHR, 1, 3)
                .fifo("evil/fifo")
                .file("evil/etc/.wh.passwd", "")
                .file("evil/.wh..wh..opq", "")
                .stream(), layer);

        Path confined = layer.resolve(outsideInLayer);
        assertThat(Files.readSymbolicLink(layer.resolve("evil"))).isEqualTo(outside);
        assertThat(confined.resolve("pwned")).hasContent("confined");
        assertThat(confined.resolve("secret")).hasContent("confined");
        assertThat(confined.resolve("newdir")).isDirectory();
        assertThat(Files.isSymbolicLink(confined.resolve("link"))).isTrue();
        assertThat(confined.resolve("hard")).hasContent("a");
        assertThat(Files.exists(confined.resolve("dev"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.exists(confined.resolve("fifo"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.exists(confined.resolve("etc/passwd"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(FileOps.lgetxattr(confined, "trusted.overlay.opaque")).isPresent();
        assertThat(FileOps.lgetxattr(outside, "trusted.overlay.opaque")).isEmpty();
    }

    @Test
    void apply_writesThroughRelativeSymlinksClimbingOut_areConfined() throws IOException {
        applier.apply(new TarBuilder()
                .dir("a/b")
                .symlink("a/b/evil", "../".repeat(20) + outsideInLayer)
                .file("a/b/evil/pwned", "confined")
                .symlink("up", "../../..")
                .file("up/outside/pwned", "confined at root")
                .stream(), layer);

        assertThat(layer.resolve(outsideInLayer + "/pwned")).hasContent("confined");
        assertThat(layer.resolve("outside/pwned")).hasContent("confined at root");
    }

    @Test
    void apply_chainOfSymlinksToOutside_isConfined() throws IOException {
        applier.apply(new TarBuilder()
                .symlink("a", "b")
                .symlink("b", outside.toString())
                .file("a/pwned", "confined")
                .stream(), layer);

        assertThat(layer.resolve(outsideInLayer + "/pwned")).hasContent("confined");
    }

    @Test
    void apply_entryAtASymlinksPath_replacesTheSymlinkNeverWritesThroughIt() throws IOException {
        applier.apply(new TarBuilder()
                .symlink("file", outside.resolve("secret").toString())
                .file("file", "replaced", e -> {
                    e.setMode(0777);
                    e.setIds(1, 1);
                })
                .symlink("dir", outside.toString())
                .dir("dir", e -> {
                    e.setMode(0777);
                    e.setIds(1, 1);
                    e.addPaxHeader("SCHILY.xattr.user.pwned", "1");
                })
                .symlink("dev", outside.resolve("secret").toString())
                .device("dev", TarConstants.LF_CHR, 1, 3)
                .file("a", "a")
                .symlink("hard", outside.resolve("secret").toString())
                .hardlink("hard", "a")
                .symlink("link", outside.toString())
                .symlink("link", "/etc")
                .stream(), layer);

        assertThat(Files.isSymbolicLink(layer.resolve("file"))).isFalse();
        assertThat(layer.resolve("file")).hasContent("replaced");
        assertThat(Files.isSymbolicLink(layer.resolve("dir"))).isFalse();
        assertThat(layer.resolve("dir")).isDirectory();
        assertThat(Files.isSymbolicLink(layer.resolve("dev"))).isFalse();
        assertThat(layer.resolve("hard")).hasContent("a");
        assertThat(Files.readSymbolicLink(layer.resolve("link"))).isEqualTo(Path.of("/etc"));
    }

    @Test
    void apply_symlinkReplacingACachedDirectory_laterEntriesStillConfined() throws IOException {
        applier.apply(new TarBuilder()
                .dir("d")
                .file("d/f", "cached d")
                .dir("p/q")
                .file("p/q/f", "cached p/q")
                .symlink("d", outside.toString())
                .file("d/pwned", "confined")
                .symlink("p", outside.toString())
                .file("p/etc/pwned", "confined too")
                .stream(), layer);

        assertThat(layer.resolve(outsideInLayer + "/pwned")).hasContent("confined");
        assertThat(layer.resolve(outsideInLayer + "/etc/pwned")).hasContent("confined too");
    }

    @Test
    void apply_hardlinkTargetClimbingAboveRoot_isRefused() {
        byte[] tar = new TarBuilder().file("a", "a").hardlink("h", "../outside/secret").bytes();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("apply layer entry \"h\": refused, hardlink target \"../outside/secret\" climbs above the layer root");
        assertThat(layer.resolve("h")).doesNotExist();
    }

    @Test
    void apply_hardlinkToAbsolutePathOutsideTheLayer_isRefused() {
        String target = outside.resolve("secret").toString();
        byte[] tar = new TarBuilder().hardlink("h", target).bytes();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("apply layer entry \"h\": refused, hardlink target \"" + target
                        + "\" is not an earlier entry of this layer");
    }

    @Test
    void apply_hardlinkThroughSymlinkToOutside_isRefused() {
        byte[] tar = new TarBuilder().symlink("evil", outside.toString()).hardlink("h", "evil/secret").bytes();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("hardlink target \"evil/secret\" is not an earlier entry of this layer");
        assertThat(layer.resolve("h")).doesNotExist();
    }

    @Test
    void apply_hardlinkToADirectory_isRefused() {
        byte[] tar = new TarBuilder().dir("d").hardlink("h", "d").bytes();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("apply layer entry \"h\": refused, hardlink target \"d\" is a directory");
    }

    @Test
    void apply_symlinkLoop_failsWithTooManyLevels() {
        byte[] tar = new TarBuilder().symlink("a", "b").symlink("b", "/a").file("a/x", "loop").bytes();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("\"a/x\"")
                .hasMessageContaining("too many levels of symbolic links");
    }

    @ParameterizedTest
    @ValueSource(strings = {".wh..", "a/.wh...", "a/.wh."})
    void apply_whiteoutOfDotOrDotDot_isRefused(String name) {
        byte[] tar = new RawTar().file(name, "").end();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("apply layer entry \"" + name + "\": refused, whiteout of an invalid name");
    }

    @Test
    void apply_nameWithNulFromPax_isRefused() {
        byte[] tar = new RawTar().pax('x', RawTar.record("path", "a\u0000/../../outside/pwned")).file("ignored", "x").end();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("NUL");
    }

    @Test
    void apply_childOfARegularFile_isRefused() {
        byte[] tar = new TarBuilder().file("f", "x").file("f/child", "y").bytes();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("apply layer entry \"f/child\": refused, a component of its path is not a directory");
    }

    @Test
    void apply_hugePaxHeader_isRefusedBeforeReadingIt() {
        byte[] tar = new RawTar().header("PaxHeader", 'x', 64L << 20, 0644, "").end();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void apply_paxPathOfHundredsOfThousandsOfComponents_isRefusedWithoutExhaustingTheHeap() {
        // 800 KB, 400,000 components: resolving it kept one Path per prefix, tens of GB, before the limit
        String name = "a/".repeat(400_000) + "f";
        byte[] tar = new RawTar().pax('x', RawTar.record("path", name)).file("ignored", "x").end();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageEndingWith("refused, its name is longer than 4096 bytes (PATH_MAX)")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400))
                .satisfies(e -> assertThat(((LayerRejectedException) e).kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
    }

    @Test
    void apply_nameOfPathMaxPlusOneBytesOfShortComponents_isRefused() {
        String name = ("d".repeat(254) + "/").repeat(16) + "f".repeat(4097 - 255 * 16);
        byte[] tar = new RawTar().pax('x', RawTar.record("path", name)).file("x", "no").end();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("PATH_MAX");
    }

    @Test
    void apply_componentOf256Bytes_isRefused() throws IOException {
        applier.apply(new ByteArrayInputStream(
                new RawTar().pax('x', RawTar.record("path", "d/" + "x".repeat(255))).file("x", "ok").end()), layer);
        String name = "d/" + "x".repeat(256) + "/f";
        byte[] tar = new RawTar().pax('x', RawTar.record("path", name)).file("x", "no").end();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageEndingWith("refused, its name has a component longer than 255 bytes (NAME_MAX)");
        assertThat(layer.resolve("d/" + "x".repeat(255))).hasContent("ok");
    }

    @Test
    void apply_componentOf256BytesInUtf8_isRefused() {
        String name = "\u00e9".repeat(128); // 128 characters, 256 bytes
        byte[] tar = new RawTar().pax('x', RawTar.record("path", name)).file("x", "no").end();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessageContaining("NAME_MAX");
    }

    @Test
    void apply_symlinkTargetLongerThanPathMax_isRefused() {
        byte[] tar = new RawTar().pax('x', RawTar.record("linkpath", "t/".repeat(3000))).header("link", '2', 0, 0777, "ignored").end();

        assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(tar), layer))
                .isInstanceOf(LayerRejectedException.class)
                .hasMessage("apply layer entry \"link\": refused, its link target is longer than 4096 bytes (PATH_MAX)");
    }

    /** Path → type, mode, owner, size, links, content and xattrs, for everything under {@code dir}, links not followed. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String content = a.isRegularFile() ? Files.readString(p) : a.isSymbolicLink() ? Files.readSymbolicLink(p).toString() : "";
                tree.put(dir.relativize(p).toString(), String.join(" ",
                        String.valueOf(Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)),
                        String.valueOf(Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)),
                        String.valueOf(Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS)),
                        String.valueOf(a.size()),
                        String.valueOf(a.isDirectory() ? "" : a.lastModifiedTime()),
                        content,
                        String.valueOf(FileOps.llistxattr(p))));
            }
        }
        return tree;
    }
}
