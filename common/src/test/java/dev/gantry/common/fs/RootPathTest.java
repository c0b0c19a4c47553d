package dev.gantry.common.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RootPathTest {

    @TempDir
    Path root;

    @Test
    void resolve_plainMissingName_isUnderRoot() throws IOException {
        assertThat(RootPath.resolve(root, "a/b")).isEqualTo(root.resolve("a/b"));
    }

    @Test
    void resolve_leadingSlashAndDots_cleanedLexically() throws IOException {
        assertThat(RootPath.resolve(root, "/a/./b/../c/")).isEqualTo(root.resolve("a/c"));
    }

    @Test
    void resolve_dotDotAboveRoot_clampsAtRoot() throws IOException {
        assertThat(RootPath.resolve(root, "../../etc/passwd")).isEqualTo(root.resolve("etc/passwd"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", ".", "..", "/../..", "a/.."})
    void resolve_nameOfRootItself_isRoot(String name) throws IOException {
        assertThat(RootPath.resolve(root, name)).isEqualTo(root);
    }

    @Test
    void resolve_hundredsOfThousandsOfComponentsUnderAMissingDirectory_linearMemory() throws IOException {
        // One Path per prefix made this quadratic: 400,000 components of 800 KB would need tens of GB.
        String name = "a/".repeat(400_000) + "f";

        assertThat(RootPath.resolve(root, name).toString()).hasSize(root.toString().length() + 1 + name.length());
    }

    @Test
    void resolve_dotDotAfterMissingComponents_dropsThemOneByOne() throws IOException {
        Files.createDirectories(root.resolve("x"));

        assertThat(RootPath.resolve(root, "x/missing/deeper/../../y/./z")).isEqualTo(root.resolve("x/y/z"));
        assertThat(RootPath.resolve(root, "x/missing/../..")).isEqualTo(root);
    }

    @Test
    void resolve_intermediateRelativeSymlink_isFollowed() throws IOException {
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));

        assertThat(RootPath.resolve(root, "lib/libc.so")).isEqualTo(root.resolve("usr/lib/libc.so"));
    }

    @Test
    void resolve_intermediateAbsoluteSymlink_isReadInsideRoot() throws IOException {
        Files.createSymbolicLink(root.resolve("evil"), Path.of("/etc"));

        assertThat(RootPath.resolve(root, "evil/passwd")).isEqualTo(root.resolve("etc/passwd"));
    }

    @Test
    void resolve_symlinkClimbingOut_clampsAtRoot() throws IOException {
        Files.createDirectories(root.resolve("a/b"));
        Files.createSymbolicLink(root.resolve("a/b/evil"), Path.of("../../../../.."));

        assertThat(RootPath.resolve(root, "a/b/evil/x")).isEqualTo(root.resolve("x"));
    }

    @Test
    void resolve_finalSymlink_isNotFollowed() throws IOException {
        Files.createSymbolicLink(root.resolve("evil"), Path.of("/etc"));
        Files.createDirectories(root.resolve("d"));
        Files.createSymbolicLink(root.resolve("d/up"), Path.of(".."));

        assertThat(RootPath.resolve(root, "evil")).isEqualTo(root.resolve("evil"));
        assertThat(RootPath.resolve(root, "/d/up/")).isEqualTo(root.resolve("d/up"));
    }

    @Test
    void resolve_chainOfSymlinks_followsEach() throws IOException {
        Files.createDirectories(root.resolve("c"));
        Files.createDirectories(root.resolve("e"));
        Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("/c/d"));
        Files.createSymbolicLink(root.resolve("c/d"), Path.of("../e"));

        assertThat(RootPath.resolve(root, "a/f")).isEqualTo(root.resolve("e/f"));
    }

    @Test
    void resolve_symlinkToMissingPath_continuesLexically() throws IOException {
        Files.createSymbolicLink(root.resolve("a"), Path.of("nothere/deep"));

        assertThat(RootPath.resolve(root, "a/x")).isEqualTo(root.resolve("nothere/deep/x"));
    }

    @Test
    void resolve_symlinkTargetClimbingBackFromMissing_resumesFollowing() throws IOException {
        Files.createDirectories(root.resolve("real"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("real"));
        Files.createSymbolicLink(root.resolve("a"), Path.of("missing/../b"));

        assertThat(RootPath.resolve(root, "a/x")).isEqualTo(root.resolve("real/x"));
    }

    @Test
    void resolve_componentUnderRegularFile_isLexical() throws IOException {
        Files.createFile(root.resolve("f"));

        assertThat(RootPath.resolve(root, "f/x/y")).isEqualTo(root.resolve("f/x/y"));
    }

    @Test
    void resolve_dotDotAfterSymlinkInName_isCleanedBeforeTheWalk() throws IOException {
        Files.createDirectories(root.resolve("deep/er"));
        Files.createSymbolicLink(root.resolve("link"), Path.of("deep/er"));

        assertThat(RootPath.resolve(root, "link/../x")).isEqualTo(root.resolve("x"));
    }

    @Test
    void resolve_symlinkLoop_throwsTooManyLevels() throws IOException {
        Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));

        assertThatThrownBy(() -> RootPath.resolve(root, "a/x"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("too many levels of symbolic links");
    }

    @Test
    void resolve_chainOf255Links_isFollowedAnd256IsTooMany() throws IOException {
        Files.createDirectories(root.resolve("d"));
        Files.createSymbolicLink(root.resolve("l255"), Path.of("d"));
        for (int i = 254; i >= 0; i--) {
            Files.createSymbolicLink(root.resolve("l" + i), Path.of("l" + (i + 1)));
        }

        assertThat(RootPath.resolve(root, "l1/x")).isEqualTo(root.resolve("d/x"));
        assertThatThrownBy(() -> RootPath.resolve(root, "l0/x"))
                .hasMessageContaining("too many levels of symbolic links");
    }

    @Test
    void resolve_rootWithDots_returnsNormalisedAbsolutePath() throws IOException {
        Files.createDirectories(root.resolve("sub"));

        Path resolved = RootPath.resolve(root.resolve("sub/.."), "x");

        assertThat(resolved).isAbsolute().isEqualTo(root.resolve("x"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "../x|true",
        "..|true",
        "a/../../x|true",
        "/../x|true",
        "./../x|true",
        "a/b/../../../x|true",
        "x|false",
        "a/../x|false",
        "/etc/passwd|false",
        "a/b/../..|false",
        "..a/b|false",
        "a/..b|false",
        "./x/.|false",
        "''|false"})
    void escapes_cases(String name, boolean expected) {
        assertThat(RootPath.escapes(name)).as(name).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/a//b/./../c/|a/c",
        "../../x|x",
        "./|''",
        "a|a",
        "..a/.b.|..a/.b."})
    void clean_cases(String name, String expected) {
        assertThat(RootPath.clean(name)).isEqualTo(expected);
    }
}
