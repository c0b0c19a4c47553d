package dev.gantry.linux.ns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.linux.mount.Mounts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Shared by the namespace tests: mountinfo checks, command runs, and the clean-up JUnit needs before deleting a temp dir. */
final class NsTestSupport {

    private NsTestSupport() {}

    /** Mount points under {@code dir} as /proc/self/mountinfo lists them. */
    static List<String> mountsUnder(Path dir) throws IOException {
        String root = dir.toRealPath().toString();
        return Mounts.mountPoints().stream().filter(p -> p.equals(root) || p.startsWith(root + "/")).toList();
    }

    /** Detaches every mount under {@code dir}, newest first, and checks none is left. */
    static void unmountAll(Path dir) throws IOException {
        for (String point : mountsUnder(dir).reversed()) {
            Mounts.unmount(Path.of(point));
        }
        assertThat(mountsUnder(dir)).isEmpty();
    }

    static long inode(Path path) throws IOException {
        return (Long) Files.getAttribute(path, "unix:ino");
    }

    /** Runs a command, fails on a non-zero exit, and returns its stdout. */
    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        assertThat(process.exitValue()).as("%s exit code, output: %s", List.of(command), out).isZero();
        return out;
    }
}
