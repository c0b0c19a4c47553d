package dev.gantry.linux.ns;

import dev.gantry.linux.fs.FileOps;
import com.sun.jna.LastErrorException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Runs work inside a pinned namespace (to apply sysctls, configure links, bind sockets in the
 * pod's netns). Each call gets a fresh platform thread that enters the namespace with setns(2),
 * runs the work and dies: a thread that changed namespace never does other work.
 */
public final class NamespaceRunner {

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
