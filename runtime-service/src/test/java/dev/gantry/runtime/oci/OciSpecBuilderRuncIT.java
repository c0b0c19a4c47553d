package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerMetadata;
import dev.gantry.cri.v1.KeyValue;
import dev.gantry.cri.v1.LinuxContainerConfig;
import dev.gantry.cri.v1.LinuxContainerResources;
import dev.gantry.cri.v1.LinuxContainerSecurityContext;
import dev.gantry.cri.v1.Mount;
import dev.gantry.cri.v1.SecurityProfile;
import dev.gantry.image.oci.ImageConfig;
import dev.gantry.linux.mount.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves runc runs what {@link OciSpecBuilder} builds from CRI messages: user from the image's
 * /etc/passwd, env, cwd, pod files, a host_path mount, resources and RuntimeDefault seccomp; and a
 * privileged container with all devices; a recursive read-only mount. The pod uses the node's namespaces, so no pinned
 * namespaces are needed. Needs root, runc and busybox-static; cleans its containers and cgroups.
 */
class OciSpecBuilderRuncIT {

    @TempDir
    Path dir;

    private RuncBundles runc;

    @BeforeEach
    void requireRuncAsRoot() throws IOException {
        RuncBundles.assumeAvailable();
        runc = new RuncBundles(dir, "/gantry-specbuilder-test");
    }

    @AfterEach
    void deleteContainersAndCgroups() throws Exception {
        if (runc != null) {
            runc.close();
        }
    }

    @Test
    void run_builtSpec_userEnvCwdMountsAndSeccompWork() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("f"), "from-host\n");
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("web"))
                .addCommand("/bin/sh").addArgs("-c").addArgs(
                        "id -u; id -g; id -G; pwd; echo $MODE; cat /etc/hosts; cat /data/f; "
                                + "touch /data/nope 2>/dev/null && echo data-writable; "
                                + "/bin/busybox unshare -U true 2>/dev/null && echo userns-allowed; echo done")
                .addEnvs(KeyValue.newBuilder().setKey("MODE").setValue("spec-test"))
                .setWorkingDir("/work")
                .addMounts(Mount.newBuilder().setContainerPath("/data").setHostPath(data.toString()).setReadonly(true))
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64L << 20).setCpuShares(256))
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setSeccomp(SecurityProfile.newBuilder().setProfileType(SecurityProfile.ProfileType.RuntimeDefault))))
                .build();
        ImageConfig image = new ImageConfig(null, "app", List.of(), List.of(), List.of(), "", "", Map.of(), List.of());

        RuncBundles.Result result = runContainer("plain", config, image);

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().lines().toList()).as(result.output()).startsWith(
                "1000", "1001", "1001 10", "/work", "spec-test", "10.0.0.1 pod-hosts-file", "from-host");
        assertThat(result.output()).endsWith("done\n").doesNotContain("data-writable").doesNotContain("userns-allowed");
    }

    @Test
    void run_recursiveReadOnlyMount_submountIsReadOnlyToo_plainReadOnlyIsNot() throws Exception {
        Path data = Files.createDirectories(dir.resolve("rro-data"));
        Path sub = Files.createDirectories(data.resolve("tmpfs"));
        Mounts.mountTmpfs(sub, "size=1m");
        try {
            ContainerConfig config = ContainerConfig.newBuilder()
                    .setMetadata(ContainerMetadata.newBuilder().setName("rro"))
                    .addCommand("/bin/sh").addArgs("-c").addArgs(
                            "touch /rro/tmpfs/f 2>&1; touch /ro/tmpfs/f && echo ro-submount-writable; echo done")
                    .addMounts(Mount.newBuilder().setContainerPath("/rro").setHostPath(data.toString())
                            .setReadonly(true).setRecursiveReadOnly(true))
                    .addMounts(Mount.newBuilder().setContainerPath("/ro").setHostPath(data.toString()).setReadonly(true))
                    .build();
            ImageConfig image = new ImageConfig(null, "", List.of(), List.of(), List.of(), "", "", Map.of(), List.of());

            RuncBundles.Result result = runContainer("rro", config, image);

            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("Read-only file system").contains("ro-submount-writable").endsWith("done\n");
        } finally {
            Mounts.unmountOrDetach(sub);
        }
    }

    @Test
    void run_privileged_seesHostDevicesAndFullBoundingSet() throws Exception {
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName("priv"))
                .addCommand("/bin/sh").addArgs("-c").addArgs("test -c /dev/loop-control && echo has-loop; grep CapBnd /proc/self/status")
                .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(
                        LinuxContainerSecurityContext.newBuilder().setPrivileged(true)))
                .build();
        ImageConfig image = new ImageConfig(null, "", List.of(), List.of(), List.of(), "", "", Map.of(), List.of());
        String ownBounding = Files.readString(Path.of("/proc/self/status")).lines()
                .filter(l -> l.startsWith("CapBnd:")).findFirst().orElseThrow();

        RuncBundles.Result result = runContainer("priv", config, image);

        assertThat(result.exitCode()).as(result.output()).isZero();
        if (Files.exists(Path.of("/dev/loop-control"))) {
            assertThat(result.output()).contains("has-loop");
        }
        assertThat(result.output()).contains(ownBounding);
    }

    private RuncBundles.Result runContainer(String name, ContainerConfig config, ImageConfig image) throws Exception {
        String id = "gantry-spec-" + name + "-" + ProcessHandle.current().pid();
        Path rootfs = runc.rootfs(name, List.of("tmp", "proc", "dev", "sys", "etc", "work"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/work:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:1001:\nwheel:x:10:app\n");
        Path pod = Files.createDirectories(dir.resolve(name + "-pod"));
        Files.writeString(pod.resolve("hosts"), "10.0.0.1 pod-hosts-file\n");
        Files.writeString(pod.resolve("hostname"), "pod\n");
        Files.writeString(pod.resolve("resolv.conf"), "nameserver 10.0.0.10\n");
        Path shm = Files.createDirectories(pod.resolve("shm"));
        PodFacts facts = new PodFacts("pod-" + name, runc.cgroupParent(), null, null, null, PidMode.CONTAINER, 0, "",
                pod.resolve("hostname"), pod.resolve("hosts"), pod.resolve("resolv.conf"), shm,
                Map.of());

        RuncFeatures features = new RuncRuntime(RuncBundles.RUNC, runc.stateRoot(), Duration.ofSeconds(30))
                .features(Files.readAllLines(Path.of("/proc/sys/kernel/osrelease")).get(0));
        OciSpec spec = new OciSpecBuilder(HostFacts.current(false)).build(id, config, image, facts, rootfs, features);
        return runc.run(id, rootfs, spec);
    }
}
