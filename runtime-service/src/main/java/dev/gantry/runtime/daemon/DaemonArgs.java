package dev.gantry.runtime.daemon;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the daemon's own start line without picocli: {@code gantryd [serve] [--flag value |
 * --flag=value]...} with each flag of {@link DaemonOptions} at most once, as a systemd unit or a
 * DaemonSet writes it. Anything else (help, version, {@code config}, an unknown or repeated flag,
 * a value that looks like a flag, a missing value) is not read here: the caller hands it to
 * picocli, which parses it, or says what is wrong with it.
 *
 * <p>Why: picocli's classes are compiled for Java 5, which the JVM's class-data cache cannot
 * hold, so every start loaded and verified them from the jar and built the command model by
 * reflection, about 200 ms of the way to the first Version on a small node. Both paths give the
 * same options for every line read here (DaemonArgsTest checks them against picocli).
 */
final class DaemonArgs {

    private static final Set<String> SUBCOMMANDS = Set.of("serve", "config");

    private DaemonArgs() {}

    /** The options of a plain serve line, or empty when picocli must read {@code args}. */
    static Optional<DaemonOptions> plain(String... args) {
        for (String arg : args) {
            if (arg.startsWith("@")) {
                return Optional.empty(); // picocli reads arguments from that file
            }
        }
        DaemonOptions options = new DaemonOptions();
        Set<String> seen = new HashSet<>();
        int i = args.length > 0 && args[0].equals("serve") ? 1 : 0;
        while (i < args.length) {
            String arg = args[i];
            String name;
            String value;
            int equals = arg.indexOf('=');
            if (equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
                i += 1;
            } else {
                // picocli takes neither a flag nor a subcommand's name for a value
                if (i + 1 >= args.length || args[i + 1].startsWith("-") || SUBCOMMANDS.contains(args[i + 1])) {
                    return Optional.empty();
                }
                name = arg;
                value = args[i + 1];
                i += 2;
            }
            if (!seen.add(name) || !set(options, name, value)) {
                return Optional.empty();
            }
        }
        return Optional.of(options);
    }

    /** Sets the flag {@code name}; false when it is not one of the daemon's flags. */
    private static boolean set(DaemonOptions options, String name, String value) {
        switch (name) {
            case DaemonOptions.CONFIG -> options.config = Path.of(value);
            case DaemonOptions.ROOT -> options.root = value;
            case DaemonOptions.STATE -> options.state = value;
            case DaemonOptions.LISTEN -> options.listen = value;
            case DaemonOptions.CNI_CONF_DIR -> options.cniConfDir = value;
            case DaemonOptions.LOG_LEVEL -> options.logLevel = value;
            default -> {
                return false;
            }
        }
        return true;
    }
}
