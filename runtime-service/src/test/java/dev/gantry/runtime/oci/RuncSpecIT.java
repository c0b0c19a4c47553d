package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.runtime.oci.OciSpec.Seccomp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    @TempDir
    Path dir;

    private RuncBundles runc;

    @BeforeEach
    void requireRuncAsRoot() throws IOException {
        RuncBundles.assumeAvailable();
        runc = new RuncBundles(dir, "/gantry-oci-test");
    }

    @AfterEach
    void deleteContainersAndCgroups() throws Exception {
        if (runc != null) {
            runc.close();
        }
    }

    @Test
    void run_shellWithDefaultsAndRuntimeDefault_printsOk() throws Exception {
        RuncBundles.Result result = runContainer("ok", List.of("/bin/sh", "-c", "echo ok"), OciDefaults.CAPABILITIES,
                SeccompProfiles.runtimeDefault());

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).isEqualTo("ok\n");
    }

    @Test
    void run_mountAndNewUserNamespace_areRefused() throws Exception {
        RuncBundles.Result result = runContainer("refused", List.of("/bin/sh", "-c", """
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

        RuncBundles.Result filtered = runContainer("sysadmin-filtered", List.of("/bin/sh", "-c", script), caps,
                SeccompProfiles.runtimeDefault());
        // The control: the same container without the filter can do both, so the checks can fail.
        RuncBundles.Result unfiltered = runContainer("sysadmin-unfiltered", List.of("/bin/sh", "-c", script), caps, null);

        assertThat(filtered.output()).contains("done").doesNotContain("userns-allowed").doesNotContain("mount-allowed");
        assertThat(unfiltered.output()).contains("done").contains("userns-allowed").contains("mount-allowed");
    }

    private RuncBundles.Result runContainer(String name, List<String> args, List<String> caps, Seccomp seccomp) throws Exception {
        String id = "gantry-oci-" + name + "-" + ProcessHandle.current().pid();
        Path rootfs = runc.rootfs(name, List.of("tmp", "proc", "dev", "sys", "etc"));
        return runc.run(id, rootfs, TestSpecs.runnable(runc.cgroupParent() + "/" + id, args, caps, seccomp));
    }
}
