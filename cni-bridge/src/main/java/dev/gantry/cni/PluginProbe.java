package dev.gantry.cni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.cni.config.NetworkConfigList;
import dev.gantry.cni.exec.CniCommand;
import dev.gantry.cni.exec.CniPluginException;
import dev.gantry.cni.exec.PluginCall;
import dev.gantry.cni.exec.PluginExecutor;
import dev.gantry.cni.exec.RuntimeConfig;
import dev.gantry.common.errors.GantryException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Whether a valid network config can be used now: every plugin binary it names (chain plugins and
 * their IPAM plugins) is present, and, from CNI 1.1 on, every plugin answers STATUS with success.
 * Binaries are looked up on every call (a few stat calls); STATUS answers are kept for {@code statusTtl}
 * because the kubelet asks for the runtime's status every few seconds and a plugin may be slow.
 */
final class PluginProbe {

    private final PluginExecutor executor;
    private final Clock clock;
    private final Duration statusTtl;
    private final ReentrantLock statusLock = new ReentrantLock();
    private @Nullable StatusAnswer last;

    private record StatusAnswer(NetworkConfigList config, Instant at, Optional<String> problem) {}

    PluginProbe(PluginExecutor executor, Clock clock, Duration statusTtl) {
        this.executor = executor;
        this.clock = clock;
        this.statusTtl = statusTtl;
    }

    /** What keeps {@code config} from being used, or empty when it can be. */
    Optional<String> problem(NetworkConfigList config) {
        for (String type : binaryTypes(config)) {
            if (executor.findBinary(type).isEmpty()) {
                return Optional.of("plugin binary " + type + " not found in "
                        + executor.binDirs().stream().map(Path::toString).collect(Collectors.joining(", "))
                        + " (network " + config.name() + from(config) + ")");
            }
        }
        if (!hasStatusVerb(config.cniVersion())) {
            return Optional.empty();
        }
        return status(config);
    }

    private Optional<String> status(NetworkConfigList config) {
        statusLock.lock();
        try {
            Instant now = clock.instant();
            if (last != null && last.config().equals(config) && now.isBefore(last.at().plus(statusTtl))) {
                return last.problem();
            }
            Optional<String> problem = runStatus(config);
            last = new StatusAnswer(config, clock.instant(), problem);
            return problem;
        } finally {
            statusLock.unlock();
        }
    }

    /** STATUS carries no attachment: only the command, CNI_PATH and the plugin's config on stdin. */
    private Optional<String> runStatus(NetworkConfigList config) {
        PluginCall call = new PluginCall(CniCommand.STATUS, null, null, null, Map.of(), RuntimeConfig.NONE);
        for (ObjectNode plugin : config.plugins()) {
            try {
                executor.execute(plugin, config.name(), config.cniVersion(), null, call);
            } catch (CniPluginException e) {
                return Optional.of("network " + config.name() + from(config) + ": " + e.getMessage());
            } catch (GantryException e) {
                return Optional.of("network " + config.name() + from(config) + ": STATUS of plugin "
                        + NetworkConfigList.typeOf(plugin) + ": " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Each chain plugin's type and, since a plugin without its IPAM plugin fails ADD, each ipam.type. */
    static Set<String> binaryTypes(NetworkConfigList config) {
        Set<String> types = new LinkedHashSet<>();
        for (ObjectNode plugin : config.plugins()) {
            types.add(NetworkConfigList.typeOf(plugin));
            String ipam = plugin.path("ipam").path("type").asText("");
            if (!ipam.isEmpty()) {
                types.add(ipam);
            }
        }
        return types;
    }

    /** STATUS exists from CNI spec 1.1.0 on; older plugins would answer it with an unknown-command error. */
    static boolean hasStatusVerb(String cniVersion) {
        String[] parts = cniVersion.split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > 1 || (major == 1 && minor >= 1);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String from(NetworkConfigList config) {
        return config.source() == null ? "" : " from " + config.source();
    }
}
