package dev.gantry.image.unpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two applied layers stacked by the kernel's overlayfs: the proof that our whiteouts mean what overlayfs reads. */
class LayerApplierOverlayIT {

    @TempDir
    Path tmp;

    private final LayerApplier applier = new LayerApplier();

    @Test
    void mount_twoAppliedLayers_mergedViewHonoursWhiteoutsOpaqueDirsAndSymlinks() throws Exception {
        Path lower = Files.createDirectory(tmp.resolve("layer1"));
        Path upper = Files.createDirectory(tmp.resolve("layer2"));
        Path merged = Files.createDirectory(tmp.resolve("merged"));
        applier.apply(new TarBuilder()
                .dir("etc")
                .file("etc/keep", "k")
                .file("etc/gone", "g")
                .symlink("etc/link", "keep")
                .dir("cache")
                .file("cache/old", "o")
                .dir("cache/olddir")
                .dir("usr/bin")
                .file("usr/bin/tool", "t", e -> e.setMode(0755))
                .symlink("bin", "usr/bin")
                .stream(), lower);
        applier.apply(new TarBuilder()
                .dir("etc")
                .file("etc/.wh.gone", "")
                .file("etc/added", "a")
                .dir("cache")
                .file("cache/.wh..wh..opq", "")
                .file("cache/new", "n")
                .stream(), upper);

        Process mount = run("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + upper + ":" + lower, merged.toString());
        String mountOutput = output(mount);
        Assumptions.assumeFalse(mountOutput.contains("unknown filesystem type"), "no overlayfs in this kernel");
        assertThat(mount.waitFor()).as("mount: %s", mountOutput).isZero();
        try {
            assertThat(list(merged.resolve("etc"))).containsExactly("added", "keep", "link");
            assertThat(Files.exists(merged.resolve("etc/gone"), LinkOption.NOFOLLOW_LINKS)).isFalse();
            assertThat(merged.resolve("etc/keep")).hasContent("k");
            assertThat(merged.resolve("etc/link")).hasContent("k");
            assertThat(list(merged.resolve("cache"))).containsExactly("new");
            assertThat(merged.resolve("cache/new")).hasContent("n");
            assertThat(Files.isSymbolicLink(merged.resolve("bin"))).isTrue();
            assertThat(merged.resolve("bin/tool")).hasContent("t");
            assertThat(Files.isExecutable(merged.resolve("bin/tool"))).isTrue();
        } finally {
            Process umount = run("umount", merged.toString());
            if (umount.waitFor() != 0) {
                run("umount", "-l", merged.toString()).waitFor();
            }
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Process run(String... command) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String output(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
