package dev.gantry.sandbox;

import java.util.Map;
import java.util.Objects;

/**
 * Where a sandbox's things are on the host, kept as strings so the record reads the same after a restart.
 *
 * @param podDirectory {@code <root>/pods/<id>}
 * @param namespacePaths pinned namespaces by kind ("net", "ipc", "uts") → bind-mount path; absent kinds are the node's
 * @param shmPath the pod's /dev/shm tmpfs ("" when the pod uses the node's IPC namespace and /dev/shm)
 */
public record SandboxPaths(String podDirectory, Map<String, String> namespacePaths, String shmPath) {

    public SandboxPaths {
        Objects.requireNonNull(podDirectory, "podDirectory");
        Objects.requireNonNull(shmPath, "shmPath");
        namespacePaths = Map.copyOf(namespacePaths);
    }
}
