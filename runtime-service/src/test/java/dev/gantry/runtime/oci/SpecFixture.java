package dev.gantry.runtime.oci;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerMetadata;
import dev.gantry.image.oci.ImageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * A pod, an image and a rootfs with etc/passwd and etc/group, under one temp dir, for the spec
 * builder tests. Host facts are fixed (no host reads) and propagation comes from a map.
 */
final class SpecFixture {

    static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
            app:x:1000:1001:app:/home/app:/bin/sh
            broken line
            """;
    static final String GROUP = """
            root:x:0:
            daemon:x:1:
            appgrp:x:1001:
            wheel:x:10:root,app
            audio:x:29:app
            video:x:44:other
            """;
    /** This VM's bounding set: everything but CAP_SYS_RESOURCE. */
    static final List<String> BOUNDING =
            Capabilities.known().stream().filter(c -> !c.equals("CAP_SYS_RESOURCE")).toList();

    final Path dir;
    final Path rootfs;
    final Map<Path, MountPropagation.Kind> propagation = new HashMap<>();
    int ownOomScoreAdj = 0;
    boolean systemd = false;
    boolean apparmor = false;
    boolean cgroupV2Only = false;
    /** What the pod's runtime handler supports; runc 1.1 on a new kernel unless a test says otherwise. */
    RuncFeatures runtime = new RuncFeatures(true, true);

    SpecFixture(Path dir) throws IOException {
        this.dir = dir;
        this.rootfs = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), PASSWD);
        Files.writeString(rootfs.resolve("etc/group"), GROUP);
        Files.createDirectories(dir.resolve("pod"));
        for (String file : List.of("hostname", "hosts", "resolv.conf")) {
            Files.writeString(dir.resolve("pod").resolve(file), "");
        }
        Files.createDirectories(dir.resolve("shm"));
    }

    HostFacts host() {
        return new HostFacts(BOUNDING, OciDefaults.RLIMITS, ownOomScoreAdj, systemd, apparmor,
                path -> propagation.getOrDefault(path, MountPropagation.Kind.PRIVATE), cgroupV2Only);
    }

    OciSpecBuilder builder() {
        return new OciSpecBuilder(host());
    }

    PodFacts pod() {
        return pod(PidMode.CONTAINER, 0, Map.of());
    }

    PodFacts pod(PidMode pidMode, long infraPid, Map<String, String> sysctls) {
        Path files = dir.resolve("pod");
        return new PodFacts("pod1", "", "/run/gantry/ns/net/pod1", "/run/gantry/ns/ipc/pod1",
                "/run/gantry/ns/uts/pod1", pidMode, infraPid, "web-0", files.resolve("hostname"),
                files.resolve("hosts"), files.resolve("resolv.conf"), dir.resolve("shm"), sysctls);
    }

    PodFacts hostNetworkPod() {
        return new PodFacts("pod1", "", null, null, null, PidMode.NODE, 0, "node1", null, null, null, null,
                Map.of());
    }

    static ImageConfig image(String user, List<String> env, List<String> entrypoint, List<String> cmd, String workingDir) {
        return new ImageConfig(null, user, env, entrypoint, cmd, workingDir, "", Map.of(), List.of());
    }

    static ImageConfig image() {
        return image("", List.of(), List.of("/bin/app"), List.of("--serve"), "");
    }

    static ContainerConfig.Builder config() {
        return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName("web"));
    }

    OciSpec build(ContainerConfig.Builder config) {
        return builder().build("c1", config.build(), image(), pod(), rootfs, runtime);
    }

    OciSpec build(ContainerConfig.Builder config, ImageConfig image) {
        return builder().build("c1", config.build(), image, pod(), rootfs, runtime);
    }

    static void assertInvalid(ThrowingCallable call, String... messageParts) {
        assertThatThrownBy(call)
                .isInstanceOf(GantryException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((GantryException) e).kind())
                        .isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .message().contains(messageParts);
    }

    static List<String> destinations(OciSpec spec) {
        List<String> out = new ArrayList<>();
        spec.mounts().forEach(m -> out.add(m.destination()));
        return out;
    }

    static OciSpec.Mount mountAt(OciSpec spec, String destination) {
        return spec.mounts().stream().filter(m -> m.destination().equals(destination)).findFirst().orElseThrow();
    }
}
