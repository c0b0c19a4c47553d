package dev.gantry.runtime.container;

import dev.gantry.common.id.Ids;
import java.nio.file.Path;

/**
 * Where a container's files live. The persistent side (under the root) holds what must survive a
 * reboot: the record, the OCI bundle and the writable layer. The state side (tmpfs) holds what dies
 * with the processes: the rootfs mount point, pid files, conmon's attach socket and the exit files.
 *
 * <pre>
 * &lt;root&gt;/containers/&lt;id&gt;/   container.json  config.json  upper/  work/  (conmon's ctl and winsz fifos)
 * &lt;root&gt;/removed-containers/&lt;id&gt;/  the same, once RemoveContainer moved it out: deleted after the call
 * &lt;state&gt;/containers/&lt;id&gt;/  rootfs/  pid  conmon.pid  (attach socket dir)
 * &lt;state&gt;/exits/&lt;id&gt;           written by conmon when the process ends
 * &lt;state&gt;/attach/&lt;id&gt;          conmon's symlink to the bundle, a short path for the attach socket
 * </pre>
 */
public record ContainerPaths(Path containersRoot, Path containersState, Path exits, Path attach) {

    public static ContainerPaths of(Path root, Path state) {
        return new ContainerPaths(root.resolve("containers"), state.resolve("containers"), state.resolve("exits"), state.resolve("attach"));
    }

    public Path bundle(String id) {
        return containersRoot.resolve(Ids.requireValid(id, "container id"));
    }

    /** Where RemoveContainer moves the bundle directory, on the same file system, to delete it after answering. */
    public Path removedRoot() {
        return containersRoot.resolveSibling("removed-containers");
    }

    public Path removed(String id) {
        return removedRoot().resolve(Ids.requireValid(id, "container id"));
    }

    public Path upper(String id) {
        return bundle(id).resolve("upper");
    }

    public Path work(String id) {
        return bundle(id).resolve("work");
    }

    public Path runDir(String id) {
        return containersState.resolve(Ids.requireValid(id, "container id"));
    }

    public Path rootfs(String id) {
        return runDir(id).resolve("rootfs");
    }

    public Path pidFile(String id) {
        return runDir(id).resolve("pid");
    }

    public Path conmonPidFile(String id) {
        return runDir(id).resolve("conmon.pid");
    }

    /** conmon's attach socket, reached through its symlink to the bundle. */
    public Path attachSocket(String id) {
        return attach.resolve(Ids.requireValid(id, "container id")).resolve("attach");
    }

    public Path exitFile(String id) {
        return exits.resolve(Ids.requireValid(id, "container id"));
    }
}
