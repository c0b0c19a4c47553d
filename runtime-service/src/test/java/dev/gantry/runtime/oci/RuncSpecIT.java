package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gantry.runtime.oci.OciSpec.Seccomp;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves runc accepts what we write: our defaults and RuntimeDefault profile run a busybox shell,
 * and keep mount and new user namespaces out. Needs root, runc and busybox-static; skipped
 * without them. Each run uses its own runc state root and cgroup, removed even on failure.
 */
class RuncSpecIT {

    private static final Path RUNC = Path.of("/usr/sbin/runc");
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup");
    private static final String CGROUP_PARENT = "gantry-oci-test";

    @TempDir
    Path dir;

    private final List<String> started = new ArrayList<>();

    @BeforeEach
    void requireRuncAsRoot() throws IOException {
        assumeTrue(Files.isExecutable(RUNC), "runc is not installed");
        assumeTrue(Files.isExecutable(BUSYBOX), "busybox-static is not installed");
        assumeTrue(Files.readString(Path.of("/proc/self/status")).lines()
                .anyMatch(line -> line.matches("Uid:\\s+0\\s.*")), "not root");
    }

    @AfterEach
    void deleteContainersAndCgroups() throws Exception {
        for (String id : started) {
            run(List.of(RUNC.toString(), "--root", dir.resolve("state").toString(), "delete", "--force", id));
            removeCgroups(id);
        }
    }

    @Test
    void run_shellWithDefaultsAndRuntimeDefault_printsOk() throws Exception {
        Result result = runContainer("ok", List.of("/bin/sh", "-c", "echo ok"), OciDefaults.CAPABILITIES,
                SeccompProfiles.runtimeDefault());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).isEqualTo("ok\n");
    }

    @Test
    void run_mountAndNewUserNamespace_areRefused() throws Exception {
        Result result = runContainer("refused", List.of("/bin/sh", "-c", """
                /bin/busybox unshare -U true && echo userns-allowed
                /bin/busybox mount -t tmpfs x /tmp && echo mount-allowed
                echo done"""), OciDefaults.CAPABILITIES, SeccompProfiles.runtimeDefault());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("done").doesNotContain("userns-allowed").doesNotContain("mount-allowed");
    }

    @Test
    void run_withSysAdmin_mountAndUserNamespaceRefusedBySeccompAlone() throws Exception {
        List<String> caps = new ArrayList<>(OciDefaults.CAPABILITIES);
        caps.add("CAP_SYS_ADMIN");
        String script = """
                /bin/busybox unshare -U true && echo userns-allowed
                /bin/busybox mount -t tmpfs x /tmp && echo mount-allowed
                echo done""";

        Result filtered = runContainer("sysadmin-filtered", List.of("/bin/sh", "-c", script), caps,
                SeccompProfiles.runtimeDefault());
        // The control: the same container without the filter can do both, so the checks can fail.
        Result unfiltered = runContainer("sysadmin-unfiltered", List.of("/bin/sh", "-c", script), caps, null);

        assertThat(filtered.output()).contains("done").doesNotContain("userns-allowed").doesNotContain("mount-allowed");
        assertThat(unfiltered.output()).contains("done").contains("userns-allowed").contains("mount-allowed");
    }

    private Result runContainer(String name, List<String> args, List<String> caps, Seccomp seccomp) throws Exception {
        String id = "gantry-oci-" + name + "-" + ProcessHandle.current().pid();
        Path bundle = Files.createDirectories(dir.resolve(name));
        Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
        for (String sub : List.of("bin", "tmp", "proc", "dev", "sys", "etc")) {
            Files.createDirectories(rootfs.resolve(sub));
        }
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        Files.createSymbolicLink(rootfs.resolve("bin/sh"), Path.of("busybox"));
        OciSpec spec = TestSpecs.runnable("/" + CGROUP_PARENT + "/" + id, args, caps, seccomp);
        Files.writeString(bundle.resolve("config.json"), OciSpecJson.write(spec));

        started.add(id);
        return run(List.of(RUNC.toString(), "--root", dir.resolve("state").toString(), "run", "--bundle", bundle.toString(), id));
    }

    private Result run(List<String> command) throws Exception {
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

    /** runc delete removes the container's cgroups; this catches what a failed run left, and our parent. */
    private static void removeCgroups(String id) throws IOException {
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(CGROUP_ROOT)) {
            for (Path hierarchy : hierarchies) {
                Path parent = hierarchy.resolve(CGROUP_PARENT);
                rmdirQuietly(parent.resolve(id));
                rmdirQuietly(parent);
            }
        }
    }

    private static void rmdirQuietly(Path cgroup) {
        try {
            Files.deleteIfExists(cgroup);
        } catch (IOException e) {
            // Not empty (another test's cgroup still there) or not a directory: leave it.
        }
    }

    private record Result(int exitCode, String output) {}
}
