package dev.gantry.linux.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Root: trusted.* and security.* xattrs, device nodes and lchown to another owner. */
class FileOpsIT {

    @TempDir
    Path tmp;

    @Test
    void lsetxattr_binaryValue_readsBackSameBytes() throws IOException {
        Path file = Files.createFile(tmp.resolve("f"));
        byte[] value = {1, 0, 0, 2, 0, (byte) 0x80, (byte) 0xff, 0};

        FileOps.lsetxattr(file, "security.capability.x", value);
        FileOps.lsetxattr(file, "user.bin", value);

        assertThat(FileOps.lgetxattr(file, "user.bin")).hasValueSatisfying(v -> assertThat(v).containsExactly(value));
    }

    @Test
    void lsetxattr_onSymlink_setsLinkNotTarget() throws IOException {
        Path target = Files.createFile(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);

        FileOps.lsetxattr(link, "trusted.mark", "y".getBytes(StandardCharsets.US_ASCII));

        assertThat(FileOps.lgetxattr(link, "trusted.mark")).hasValueSatisfying(v -> assertThat(v).containsExactly('y'));
        assertThat(FileOps.lgetxattr(target, "trusted.mark")).isEmpty();
    }

    @Test
    void llistxattr_severalNames_listsEach() throws IOException {
        Path file = Files.createFile(tmp.resolve("f"));
        FileOps.lsetxattr(file, "user.a", new byte[] {1});
        FileOps.lsetxattr(file, "trusted.b", new byte[0]);
        StringBuilder longName = new StringBuilder("user.");
        for (int i = 0; i < 24; i++) {
            longName.append("long-name-");
        }
        FileOps.lsetxattr(file, longName.toString(), new byte[] {2});

        assertThat(FileOps.llistxattr(file)).contains("user.a", "trusted.b", longName.toString());
    }

    @Test
    void mknod_charDevice_hasTypeAndNumbers() throws Exception {
        Path dev = tmp.resolve("c");

        FileOps.mknod(dev, FileOps.S_IFCHR | 0620, 300, 70000);

        assertThat(mode(dev) & FileOps.S_IFMT).isEqualTo(FileOps.S_IFCHR);
        assertThat(statNumbers(dev)).isEqualTo("300,70000");
        assertThat(FileOps.major((Long) Files.getAttribute(dev, "unix:rdev"))).isEqualTo(300);
        assertThat(FileOps.minor((Long) Files.getAttribute(dev, "unix:rdev"))).isEqualTo(70000);
    }

    @Test
    void mknod_blockDevice_hasTypeAndNumbers() throws Exception {
        Path dev = tmp.resolve("b");

        FileOps.mknod(dev, FileOps.S_IFBLK | 0600, 8, 1);

        assertThat(mode(dev) & FileOps.S_IFMT).isEqualTo(FileOps.S_IFBLK);
        assertThat(statNumbers(dev)).isEqualTo("8,1");
    }

    @Test
    void lchown_symlink_changesLinkNotTarget() throws IOException {
        Path target = Files.createFile(tmp.resolve("target"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), target);

        FileOps.lchown(link, 1234, 5678);

        assertThat(Files.getAttribute(link, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1234);
        assertThat(Files.getAttribute(link, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(5678);
        assertThat(Files.getAttribute(target, "unix:uid")).isEqualTo(0);
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    }

    /** Major and minor as stat(1) decodes them with glibc's own macros. */
    private static String statNumbers(Path path) throws Exception {
        return run("stat", "-c", "%Hr,%Lr", path.toString());
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
