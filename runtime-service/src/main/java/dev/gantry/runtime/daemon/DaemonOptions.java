package dev.gantry.runtime.daemon;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The flags that override configuration keys; shared by {@code gantryd} and {@code gantryd serve}. Null: not given. */
final class DaemonOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "TOML configuration file (default: /etc/gantry/gantry.toml when it exists)")
    @Nullable Path config;

    @Option(names = "--root", paramLabel = "DIR", description = "persistent data directory (key: root)")
    @Nullable String root;

    @Option(names = "--state", paramLabel = "DIR", description = "runtime state directory, on tmpfs (key: state)")
    @Nullable String state;

    @Option(names = "--listen", paramLabel = "ENDPOINT", description = "CRI endpoint, unix:///path (key: grpc.listen)")
    @Nullable String listen;

    @Option(names = "--cni-conf-dir", paramLabel = "DIR", description = "CNI network configs, watched (key: cni.conf_dir)")
    @Nullable String cniConfDir;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "trace, debug, info, warn or error (key: log_level)")
    @Nullable String logLevel;

    Optional<Path> configFile() {
        return Optional.ofNullable(config);
    }

    /** The flags given, keyed by the configuration key each overrides. */
    Map<String, ConfigLoader.Flag> flags() {
        Map<String, ConfigLoader.Flag> flags = new LinkedHashMap<>();
        put(flags, "root", "--root", root);
        put(flags, "state", "--state", state);
        put(flags, "grpc.listen", "--listen", listen);
        put(flags, "cni.conf_dir", "--cni-conf-dir", cniConfDir);
        put(flags, "log_level", "--log-level", logLevel);
        return flags;
    }

    /** Fills what this copy lacks from {@code outer}, so {@code gantryd --root X serve} works too. */
    DaemonOptions orElse(DaemonOptions outer) {
        var merged = new DaemonOptions();
        merged.config = config != null ? config : outer.config;
        merged.root = root != null ? root : outer.root;
        merged.state = state != null ? state : outer.state;
        merged.listen = listen != null ? listen : outer.listen;
        merged.cniConfDir = cniConfDir != null ? cniConfDir : outer.cniConfDir;
        merged.logLevel = logLevel != null ? logLevel : outer.logLevel;
        return merged;
    }

    private static void put(Map<String, ConfigLoader.Flag> flags, String key, String flag, @Nullable String value) {
        if (value != null) {
            flags.put(key, new ConfigLoader.Flag(flag, value));
        }
    }
}
