package dev.gantry.runtime.daemon;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The flags that override configuration keys; shared by {@code gantryd} and {@code gantryd serve}. Null: not given. */
final class DaemonOptions {

    static final String CONFIG = "--config";
    static final String ROOT = "--root";
    static final String STATE = "--state";
    static final String LISTEN = "--listen";
    static final String CNI_CONF_DIR = "--cni-conf-dir";
    static final String LOG_LEVEL = "--log-level";

    @Option(names = CONFIG, paramLabel = "FILE",
            description = "TOML configuration file (default: /etc/gantry/gantry.toml when it exists)")
    @Nullable Path config;

    @Option(names = ROOT, paramLabel = "DIR", description = "persistent data directory (key: root)")
    @Nullable String root;

    @Option(names = STATE, paramLabel = "DIR", description = "runtime state directory, on tmpfs (key: state)")
    @Nullable String state;

    @Option(names = LISTEN, paramLabel = "ENDPOINT", description = "CRI endpoint, unix:///path (key: grpc.listen)")
    @Nullable String listen;

    @Option(names = CNI_CONF_DIR, paramLabel = "DIR", description = "CNI network configs, watched (key: cni.conf_dir)")
    @Nullable String cniConfDir;

    @Option(names = LOG_LEVEL, paramLabel = "LEVEL", description = "trace, debug, info, warn or error (key: log_level)")
    @Nullable String logLevel;

    Optional<Path> configFile() {
        return Optional.ofNullable(config);
    }

    /** The flags given, keyed by the configuration key each overrides. */
    Map<String, ConfigLoader.Flag> flags() {
        Map<String, ConfigLoader.Flag> flags = new LinkedHashMap<>();
        put(flags, "root", ROOT, root);
        put(flags, "state", STATE, state);
        put(flags, "grpc.listen", LISTEN, listen);
        put(flags, "cni.conf_dir", CNI_CONF_DIR, cniConfDir);
        put(flags, "log_level", LOG_LEVEL, logLevel);
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
