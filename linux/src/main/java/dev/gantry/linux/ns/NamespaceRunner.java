package dev.gantry.linux.ns;

import dev.gantry.linux.fs.FileOps;
import dev.gantry.linux.spawn.Spawner;
import com.sun.jna.LastErrorException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Runs work inside a pinned namespace (to apply sysctls, configure links, bind sockets in the
 * pod's netns). Each call gets a fresh platform thread that enters the namespace with setns(2),
 * runs the work and dies: a thread that changed namespace never does other work.
 */
public final class NamespaceRunner {

    private static final int CLONE_NEWPID = 0x20000000;

    /**
     * Runs {@code work} on a new platform thread that has joined the {@code type} namespace at
     * {@code nsPath} and returns its result. The work's own exception is rethrown unchanged; a
     * failed open or setns (including a file that is not a namespace of that type) is an
     * ErrnoException and the work does not run. The calling thread's namespaces never change.
     */
    public <T> T runIn(Path nsPath, NamespaceType type, Callable<T> work) throws Exception {
        return FreshThread.run("gantry-setns-" + type.procName(), () -> {
            enter(nsPath, type);
            return work.call();
        });
    }

    /**
     * Starts {@code argv} as a child of this JVM inside the given pinned namespaces and returns its
     * pid as the host sees it. With {@code newPidNamespace} the child is pid 1 of a new PID
     * namespace: the spawning thread unshares CLONE_NEWPID, which moves only that thread's future
     * children, and dies afterwards. stdin is /dev/null and stdout/stderr go to {@code output}
     * (appended) or are discarded, so the child never blocks on a pipe and keeps running after
     * this JVM exits. Nobody waits for it: call {@link Spawner#reap} after it exited.
     *
     * @param join namespaces to enter first, by type; empty to stay in the host's
     */
    public long spawnIn(Map<NamespaceType, Path> join, boolean newPidNamespace, List<String> argv, Optional<Path> output)
            throws Exception {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command to spawn");
        }
        return FreshThread.run("gantry-spawn-" + argv.getFirst(), () -> {
            for (Map.Entry<NamespaceType, Path> ns : join.entrySet()) {
                enter(ns.getValue(), ns.getKey());
            }
            if (newPidNamespace) {
                try {
                    NsNatives.unshare(CLONE_NEWPID);
                } catch (LastErrorException e) {
                    throw FreshThread.failure("unshare pid", "", e);
                }
            }
            // Not ProcessBuilder: it starts a JVM thread per child, which clone(2) refuses (EINVAL) in a
            // thread whose PID namespace for children is not its own.
            return Spawner.spawn(argv, Spawner.PATH_ONLY, output);
        });
    }

    private static void enter(Path nsPath, NamespaceType type) throws Exception {
        int fd = FileOps.openReadOnly(nsPath);
        try {
            NsNatives.setns(fd, type.cloneFlag());
        } catch (LastErrorException e) {
            throw FreshThread.failure("setns " + type.procName(), nsPath.toString(), e);
        } finally {
            FileOps.closeQuietly(fd);
        }
    }
}
