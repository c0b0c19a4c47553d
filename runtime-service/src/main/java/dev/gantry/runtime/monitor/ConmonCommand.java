package dev.gantry.runtime.monitor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One conmon invocation that creates one container: conmon runs {@code <runtime> --root <root>
 * create --bundle <bundle> --pid-file <pid file> <id>}, writes the container's output to a CRI log
 * file and its exit code to {@code <exit dir>/<id>}, and serves attach under the socket dir.
 *
 * @param conmon           conmon binary, absolute
 * @param containerId      the container id, also runc's id and conmon's uuid
 * @param name             the container's name, for conmon's logs only
 * @param bundleDir        OCI bundle directory holding config.json
 * @param runtime          OCI runtime binary (runc), absolute
 * @param runtimeRoot      the runtime's state root (runc --root)
 * @param containerPidFile where runc writes the container's init pid; its directory is also conmon's persist dir
 * @param conmonPidFile    where conmon writes the pid of its monitor process
 * @param logPath          CRI log file (k8s-file driver)
 * @param exitDir          where conmon writes the exit file named after the id
 * @param socketDir        where conmon makes the attach socket's directory
 * @param terminal         allocate a pseudo-terminal for the container
 * @param stdin            keep a pipe for the container's stdin (ignored with a terminal)
 * @param stdinOnce        close stdin when the first attached client goes away
 * @param logSizeMax       rotate the log past this many bytes; empty for no limit
 */
public record ConmonCommand(
        Path conmon,
        String containerId,
        String name,
        Path bundleDir,
        Path runtime,
        Path runtimeRoot,
        Path containerPidFile,
        Path conmonPidFile,
        Path logPath,
        Path exitDir,
        Path socketDir,
        boolean terminal,
        boolean stdin,
        boolean stdinOnce,
        OptionalLong logSizeMax) {

    public ConmonCommand {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(logSizeMax, "logSizeMax");
        if (containerId.isEmpty() || containerId.contains("/")) {
            throw new IllegalArgumentException("container id must be non-empty and free of '/', got '" + containerId + "'");
        }
        for (Path p : List.of(conmon, bundleDir, runtime, runtimeRoot, containerPidFile, conmonPidFile, logPath, exitDir, socketDir)) {
            if (!Objects.requireNonNull(p, "a conmon path").isAbsolute()) {
                throw new IllegalArgumentException("conmon needs absolute paths, got " + p);
            }
        }
    }

    /** conmon's argument vector, conmon itself first; conmon passes nothing else to the runtime. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>(List.of(
                conmon.toString(),
                "--cid", containerId,
                "--cuuid", containerId,
                "--name", name,
                "--bundle", bundleDir.toString(),
                "--runtime", runtime.toString(),
                "--runtime-arg", "--root=" + runtimeRoot,
                "--container-pidfile", containerPidFile.toString(),
                "--conmon-pidfile", conmonPidFile.toString(),
                "--log-path", "k8s-file:" + logPath,
                "--exit-dir", exitDir.toString(),
                "--socket-dir-path", socketDir.toString(),
                // conmon drops its "oom" and "exit" marker files here; without it they land in gantryd's working directory.
                "--persist-dir", Objects.requireNonNull(containerPidFile.getParent()).toString(),
                // conmon's own messages: its stderr is /dev/null once it has daemonized, so only errors matter.
                "--log-level", "error"));
        logSizeMax.ifPresent(max -> argv.addAll(List.of("--log-size-max", Long.toString(max))));
        if (terminal) {
            argv.add("--terminal");
        } else if (stdin) {
            // Without stdin-once, a client that detaches must not end the container's input.
            if (!stdinOnce) {
                argv.add("--leave-stdin-open");
            }
            argv.add("--stdin");
        }
        return List.copyOf(argv);
    }
}
