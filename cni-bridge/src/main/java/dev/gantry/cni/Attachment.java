package dev.gantry.cni;

import dev.gantry.cni.exec.RuntimeConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One interface of one sandbox on one network: the key of an ADD, and what DEL and CHECK must repeat.
 *
 * @param args CNI_ARGS pairs (K8S_POD_NAMESPACE, K8S_POD_NAME, ...)
 * @param capabilities capability arguments offered to the plugins that declare them
 */
public record Attachment(String containerId, Path netns, String ifName, Map<String, String> args, RuntimeConfig capabilities) {

    public Attachment {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(ifName, "ifName");
        args = args == null ? Map.of() : args;
        capabilities = capabilities == null ? RuntimeConfig.NONE : capabilities;
    }
}
