package dev.gantry.runtime.container;

import dev.gantry.sandbox.NamespaceMode;
import dev.gantry.sandbox.NamespaceOptions;
import dev.gantry.sandbox.PodNetwork;
import dev.gantry.sandbox.PodSandbox;
import dev.gantry.sandbox.SandboxMetadata;
import dev.gantry.sandbox.SandboxPaths;
import dev.gantry.sandbox.SandboxState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** One ready pod, {@link ContainerFixtures#POD}, with its own log directory: the pod the pod coordinator would hand the manager. */
final class FakePods {

    private final PodSandbox pod;

    FakePods(Path dir) {
        String id = ContainerFixtures.POD;
        pod = new PodSandbox(id, new SandboxMetadata("web", "default", "uid-web", 0), SandboxState.READY,
                Instant.parse("2026-11-24T06:30:18.123456789Z"), Map.of(), Map.of(), "runc",
                dir.resolve("logs").toString(), "web", PodNetwork.namespace("/run/gantry/ns/net/" + id),
                new NamespaceOptions(NamespaceMode.POD, NamespaceMode.CONTAINER, NamespaceMode.POD),
                new SandboxPaths(dir.resolve("pod").toString(), Map.of("net", "/run/gantry/ns/net/" + id), ""),
                "/kubepods/podweb", true, Optional.empty(), Map.of("net.ipv4.ping_group_range", "0 2147483647"));
    }

    PodSandbox pod() {
        return pod;
    }
}
