package dev.gantry.runtime.oci;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * For ITs (root, runc, busybox-static): busybox bundles under one directory, each run to its end
 * with {@code runc run} under one runc state root, their cgroups under one parent of the test's
 * own. {@link #close} deletes every container it ran and the cgroups a failed run left behind.
 */
final class RuncBundles implements AutoCloseable {

    static final Path RUNC = Path.of("/usr/sbin/runc");
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");

    private final Path dir;
    private final String cgroupParent;
    private final List<String> ran = new ArrayList<>();

    /** @param cgroupParent a top-level cgroup name of the test's own, such as {@code /gantry-oci-test} */
    RuncBundles(Path dir, String cgroupParent) {
        this.dir = dir;
        this.cgroupParent = cgroupParent;
    }

    /** Skips the test unless we are root with runc and busybox. */
    static void assumeAvailable() throws IOException {
        assumeTrue(Files.isExecutable(RUNC), "runc is not installed");
        assumeTrue(Files.isExecutable(BUSYBOX), "busybox-static is not installed");
        assumeTrue(Files.readString(Path.of("/proc/self/status")).lines()
                .anyMatch(line -> line.matches("Uid:\\s+0\\s.*")), "not root");
    }

    /** The cgroup parent, with its leading slash, as a cgroups path or a pod's cgroup parent names it. */
    String cgroupParent() {
        return cgroupParent;
    }

    Path stateRoot() {
        return dir.resolve("state");
    }

    /** A bundle named {@code name} whose rootfs has busybox as {@code /bin/sh} and the given empty directories. */
    Path rootfs(String name, List<String> directories) throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve(name).resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("bin"));
        for (String sub : directories) {
            Files.createDirectories(rootfs.resolve(sub));
        }
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        return rootfs;
    }

    /** Writes {@code spec} into the bundle that holds {@code rootfs} and runs it as {@code id} until it exits. */
    Result run(String id, Path rootfs, OciSpec spec) throws Exception {
        Path bundle = rootfs.getParent();
        Files.writeString(bundle.resolve("config.json"), OciSpecJson.write(spec));
        ran.add(id);
        return runToEnd(List.of(RUNC.toString(), "--root", stateRoot().toString(), "run", "--bundle", bundle.toString(), id));
    }

    private Result runToEnd(List<String> command) throws Exception {
        Path output = Files.createTempFile(dir, "out", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        // A guard against a hung runc, not a timing assertion.
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            return new Result(-1, Files.readString(output) + "\n(timed out: " + command + ")");
        }
        return new Result(process.exitValue(), Files.readString(output));
    }

    /** runc delete removes a container's cgroups; the sweep after it catches what a failed run left, and the parent. */
    @Override
    public void close() throws Exception {
        for (String id : ran) {
            runToEnd(List.of(RUNC.toString(), "--root", stateRoot().toString(), "delete", "--force", id));
        }
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(CGROUP_ROOT)) {
            for (Path hierarchy : hierarchies) {
                Path parent = hierarchy.resolve(cgroupParent.substring(1));
                if (Files.isDirectory(parent)) {
                    try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, Files::isDirectory)) {
                        children.forEach(RuncBundles::rmdirQuietly);
                    }
                    rmdirQuietly(parent);
                }
            }
        }
    }

    private static void rmdirQuietly(Path cgroup) {
        try {
            Files.deleteIfExists(cgroup);
        } catch (IOException e) {
            // Not empty (a process still in it) or not a directory: leave it.
        }
    }

    /** What {@code runc run} printed, stdout and stderr together, and its exit code. */
    record Result(int exitCode, String output) {}
}
