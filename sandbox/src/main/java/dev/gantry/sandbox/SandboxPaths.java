package dev.gantry.sandbox;

import java.util.Map;
import java.util.Objects;

/**
 * Where a sandbox's things are on the host, kept as strings so the record reads the same after a restart.
 *
 * @param podDirectory {@code <root>/pods/<id>}
 * @param namespacePaths pinned namespaces by kind ("net", "ipc", "uts") → bind-mount path; absent kinds are the node's
 */
public record SandboxPaths(String podDirectory, Map<String, String> namespacePaths) {

    public SandboxPaths {
        Objects.requireNonNull(podDirectory, "podDirectory");
        namespacePaths = Map.copyOf(namespacePaths);
    }
}
