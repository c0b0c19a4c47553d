package dev.gantry.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.Image;
import dev.gantry.e2e.fixtures.RegistryServer;
import dev.gantry.e2e.harness.DaemonExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Images made by other tools, not by our own fixtures: built with umoci and pushed by skopeo as Docker
 * schema 2, the way many CI pipelines publish, then pulled through the daemon.
 */
class ToolInteropIT {

    @RegisterExtension
    static final DaemonExtension gantry = new DaemonExtension();

    private Path work;
    private RegistryServer registry;

    @BeforeEach
    void start() throws IOException {
        work = Files.createTempDirectory("gantry-e2e-interop-");
        registry = RegistryServer.anonymous(work);
    }

    @AfterEach
    void stop() throws IOException {
        if (registry != null) {
            registry.close();
        }
        try (Stream<Path> paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void pull_umociImagePushedBySkopeoAsDockerSchema2_runsFromItsSnapshots() throws Exception {
        Path layout = work.resolve("layout");
        Path bundle = work.resolve("bundle");
        run("umoci", "init", "--layout", layout.toString());
        run("umoci", "new", "--image", layout + ":t");
        run("umoci", "config", "--image", layout + ":t", "--config.cmd", "/bin/sh", "--config.user", "1000");
        run("umoci", "unpack", "--image", layout + ":t", bundle.toString());
        Path rootfs = bundle.resolve("rootfs");
        Files.createDirectories(rootfs.resolve("bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("bin/busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        Files.writeString(rootfs.resolve("hello"), "from umoci\n");
        run("umoci", "repack", "--image", layout + ":t", bundle.toString());
        run("skopeo", "copy", "--dest-tls-verify=false", "--format", "v2s2",
                "oci:" + layout + ":t", "docker://" + registry.host() + "/e2e/skopeo:1");
        var images = new ImageCalls(gantry.client(), gantry.daemon().root());

        String id = images.pull(registry.host() + "/e2e/skopeo:1");

        Image image = images.status(id).orElseThrow();
        assertThat(image.getRepoTagsList()).containsExactly(registry.host() + "/e2e/skopeo:1");
        assertThat(image.getUid().getValue()).isEqualTo(1000);
        String info = images.verboseStatus(id).getInfoOrThrow("info");
        assertThat(info).contains("\"Cmd\":[\"/bin/sh\"]");
        List<String> diffIds = diffIds(info);
        try (OverlayView view = OverlayView.mount(images.snapshotDirs(diffIds).size() > 1
                ? images.snapshotDirs(diffIds) : withEmptyLower(images.snapshotDirs(diffIds)))) {
            assertThat(view.chroot("/bin/sh", "-c", "/bin/busybox cat /hello")).isEqualTo("from umoci\n");
        }
    }

    /** overlayfs wants two lower dirs when there is no upper; an empty one changes nothing. */
    private List<Path> withEmptyLower(List<Path> dirs) throws IOException {
        Path empty = Files.createDirectories(work.resolve("empty-lower"));
        return Stream.concat(Stream.of(empty), dirs.stream()).toList();
    }

    private static List<String> diffIds(String info) {
        int start = info.indexOf("\"diff_ids\":[") + "\"diff_ids\":[".length();
        String list = info.substring(start, info.indexOf(']', start));
        return Stream.of(list.split(",")).map(s -> s.replace("\"", "").trim()).toList();
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }
}
