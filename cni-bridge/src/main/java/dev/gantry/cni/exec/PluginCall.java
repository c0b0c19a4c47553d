package dev.gantry.cni.exec;

import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One invocation's per-attachment inputs. For STATUS only the command matters; the others may be null.
 *
 * @param args CNI_ARGS pairs, e.g. K8S_POD_NAME; kept in the caller's order
 */
public record PluginCall(CniCommand command, @Nullable String containerId, @Nullable Path netns, @Nullable String ifName,
                         Map<String, String> args, RuntimeConfig runtimeConfig) {

    public PluginCall {
        args = args == null ? Map.of() : args;
        runtimeConfig = runtimeConfig == null ? RuntimeConfig.NONE : runtimeConfig;
    }
}
