package dev.gantry.runtime.container;

import dev.gantry.cri.v1.ContainerConfig;
import dev.gantry.cri.v1.ContainerMetadata;
import dev.gantry.cri.v1.ImageSpec;
import dev.gantry.cri.v1.LinuxContainerResources;
import java.time.Instant;
import java.util.List;

/** Containers for unit tests. */
final class ContainerFixtures {

    static final String POD = "b".repeat(64);

    private ContainerFixtures() {}

    static Container container(String id, String name, ContainerState state) {
        ContainerConfig config = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(1))
                .setImage(ImageSpec.newBuilder().setImage("busybox:latest"))
                .putLabels("app", name)
                .putAnnotations("note", "x")
                .addCommand("sh")
                .build();
        return new Container(id, POD, name + "_pod_default_uid_1", config, "busybox:latest", "sha256:" + "c".repeat(64),
                "127.0.0.1:5000/busybox@sha256:" + "d".repeat(64), Instant.parse("2026-11-24T10:00:00.123456789Z"),
                "/var/log/pods/x/" + name + "/1.log", "/gantry/gantry-" + id, "runc", 15,
                LinuxContainerResources.newBuilder().setCpuShares(512).setMemoryLimitInBytes(64L << 20).build(),
                1000, 1000, List.of(10L, 20L), 4242, state, false);
    }
}
