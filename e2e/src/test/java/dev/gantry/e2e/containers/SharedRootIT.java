package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.Container;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ContainerStatus;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.ImageStatusRequest;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.PodSandboxState;
import dev.gantry.cri.v1.PodSandboxStatusRequest;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.harness.GantryDaemon;
import dev.gantry.e2e.harness.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A second gantryd pointed at a live daemon's root (with a state dir and socket of its own) must
 * be refused before it recovers or collects anything: recovery would mark the first daemon's
 * running containers exited in the shared records and its GC would delete layers they use.
 */
class SharedRootIT {

    @RegisterExtension
    final TestNode node = TestNode.containers();

    @Test
    void secondDaemon_sameRootOwnStateAndSocket_isRefusedAndFirstDaemonsDataUntouched() throws Exception {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("owned").build();
        String podId = node.runPod(pod);
        String id = calls.run(podId, ContainerConfigs.shell(pod, "main", node.image(), "while true; do sleep 0.2; done").build(), pod);
        ContainerStatus before = calls.awaitState(id, ContainerState.CONTAINER_RUNNING);
        long pid = calls.info(id).pid();
        GantryDaemon first = node.daemon();
        Map<String, String> rootBefore = tree(first.root());
        Map<String, String> stateBefore = tree(first.state());
        Path otherState = first.dir().resolve("state-2");

        try (GantryDaemon second = first.sibling(first.root(), otherState, otherState.resolve("gantry.sock")).start()) {
            int exit = second.awaitExit(Duration.ofSeconds(30));

            assertThat(exit).as(second.output()).isEqualTo(1);
            assertThat(second.output())
                    .contains("another gantryd (pid " + first.pid() + ")")
                    .contains("root directory " + first.root());
            assertThat(otherState.resolve("gantry.sock")).doesNotExist();
        }

        assertThat(tree(first.root())).as("files under the first daemon's root").isEqualTo(rootBefore);
        assertThat(tree(first.state())).as("files under the first daemon's state dir").isEqualTo(stateBefore);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("container process").hasValue(true);
        ContainerStatus after = calls.status(id);
        assertThat(after.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
        assertThat(after.getStartedAt()).isEqualTo(before.getStartedAt());
        assertThat(calls.list()).extracting(Container::getId).containsExactly(id);
        assertThat(node.client().runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                .getStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
        assertThat(node.client().images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(node.image())).build()).hasImage()).isTrue();
    }

    /** Every entry below {@code dir}: its kind, and for files size and modification time. */
    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.toList()) {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String what = attributes.isRegularFile()
                        ? "file " + attributes.size() + " " + attributes.lastModifiedTime()
                        : attributes.isDirectory() ? "dir" : attributes.isSymbolicLink() ? "link" : "other";
                entries.put(dir.relativize(path).toString(), what);
            }
        }
        return entries;
    }
}
