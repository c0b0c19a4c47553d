package dev.gantry.e2e.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerState;
import dev.gantry.cri.v1.ExecSyncResponse;
import dev.gantry.cri.v1.Mount;
import dev.gantry.cri.v1.PodSandboxConfig;
import dev.gantry.cri.v1.RuntimeHandler;
import dev.gantry.cri.v1.StatusRequest;
import dev.gantry.e2e.fixtures.ContainerConfigs;
import dev.gantry.e2e.fixtures.HostCommands;
import dev.gantry.e2e.harness.TestNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Recursive read-only mounts end to end, as critest's "Container Mount Readonly" specs check them:
 * Status advertises them for every handler, and a host directory with a tmpfs mounted under it,
 * bound with recursive_read_only, is read-only inside down to the tmpfs, while a plain read-only
 * bind of the same directory leaves the tmpfs writable. The refusals are in {@link ContainerBadInputIT}.
 */
class ContainerRecursiveReadOnlyIT {

    @RegisterExtension
    final TestNode node = TestNode.containers();

    /** The tmpfs this test mounted on the host; unmounted before the environment deletes its temp dirs. */
    private Path submount;

    @AfterEach
    void unmountSubmount() {
        if (submount != null) {
            HostCommands.run("umount", "-l", submount.toString());
        }
    }

    @Test
    void status_everyHandler_advertisesRecursiveReadOnlyMounts() {
        node.start();

        var handlers = node.client().runtime().status(StatusRequest.getDefaultInstance()).getRuntimeHandlersList();

        assertThat(handlers).extracting(RuntimeHandler::getName, h -> h.getFeatures().getRecursiveReadOnlyMounts())
                .containsExactly(tuple("", true), tuple("runc", true));
    }

    @Test
    void exec_writeUnderRecursiveReadOnlyBind_failsWithErofsAlsoInTheSubmount() throws IOException {
        ContainerCalls calls = new ContainerCalls(node.start());
        PodSandboxConfig pod = node.pod("rro").build();
        String podId = node.runPod(pod);
        Path host = node.tempDir();
        Path tmpfs = Files.createDirectories(host.resolve("tmpfs"));
        HostCommands.run("mount", "-t", "tmpfs", "-o", "size=1m", "none", tmpfs.toString());
        submount = tmpfs;
        Mount rro = ContainerConfigs.bind(host, "/mnt", true).toBuilder().setRecursiveReadOnly(true).build();
        ContainerConfig config = ContainerConfigs.named(pod, "main", node.image(), "sleep", "1000")
                .addMounts(rro)
                .addMounts(ContainerConfigs.bind(host, "/ro", true))
                .build();
        String id = calls.run(podId, config, pod);
        calls.awaitState(id, ContainerState.CONTAINER_RUNNING);

        ExecSyncResponse inSubmount = calls.execSync(id, 30, "touch", "/mnt/tmpfs/foo");
        ExecSyncResponse atTop = calls.execSync(id, 30, "touch", "/mnt/foo");
        ExecSyncResponse plainRo = calls.execSync(id, 30, "touch", "/ro/tmpfs/foo");

        assertThat(inSubmount.getExitCode()).isNotZero();
        assertThat(inSubmount.getStderr().toStringUtf8()).contains("Read-only file system");
        assertThat(atTop.getExitCode()).isNotZero();
        assertThat(atTop.getStderr().toStringUtf8()).contains("Read-only file system");
        assertThat(plainRo.getExitCode()).as("a plain ro bind is read-only at its top only: %s", plainRo).isZero();
        assertThat(tmpfs.resolve("foo")).as("written through /ro, seen on the host").exists();
        assertThat(calls.status(id).getMountsList())
                .extracting(Mount::getContainerPath, Mount::getReadonly, Mount::getRecursiveReadOnly)
                .contains(tuple("/mnt", true, true), tuple("/ro", true, false));
    }
}
