package dev.gantry.runtime.daemon;

import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** The {@code gantryd} command: {@code serve} (the default) and {@code config default}. */
@Command(name = "gantryd", mixinStandardHelpOptions = true, versionProvider = Gantryd.VersionLine.class,
        description = "Gantry, a Kubernetes container runtime: serves CRI v1 on a Unix socket.",
        subcommands = {Gantryd.Serve.class, Gantryd.Config.class},
        exitCodeOnInvalidInput = Daemon.EXIT_CONFIG)
public final class Gantryd implements Callable<Integer> {

    @Mixin
    DaemonOptions options;

    public static void main(String[] args) {
        // Before logging: it logs nothing, and the configuration is parsed right after logging starts.
        StartupWarmup.startJson();
        // Logging first, on this thread. Left to the warm-up thread (Netty logs through SLF4J), its
        // start could still be running when a bad configuration is logged here and the JVM exits:
        // SLF4J queues what is logged meanwhile for a replay that the exit can cut off.
        LogProvider.select();
        LoggerFactory.getILoggerFactory();
        StartupWarmup.start();
        System.exit(start(args));
    }

    /** A plain serve line starts the daemon at once (see {@link DaemonArgs}); picocli reads the rest. */
    static int start(String... args) {
        Optional<DaemonOptions> plain = DaemonArgs.plain(args);
        return plain.isPresent() ? new Daemon().serve(plain.get()) : run(args);
    }

    static int run(String... args) {
        return new CommandLine(new Gantryd()).execute(args);
    }

    @Override
    public Integer call() {
        return new Daemon().serve(options);
    }

    /** The line {@code --version} prints. */
    static final class VersionLine implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gantryd " + BuildInfo.version() + " (CRI v1)"};
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Serve the CRI RuntimeService and ImageService until SIGTERM (the default command).")
    static final class Serve implements Callable<Integer> {

        @ParentCommand
        Gantryd parent;

        @Mixin
        DaemonOptions options;

        @Override
        public Integer call() {
            return new Daemon().serve(options.orElse(parent.options));
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true, description = "Configuration helpers.",
            subcommands = Gantryd.ConfigDefault.class)
    static final class Config implements Callable<Integer> {

        @Override
        public Integer call() {
            new CommandLine(this).usage(System.out);
            return Daemon.EXIT_CONFIG;
        }
    }

    @Command(name = "default", mixinStandardHelpOptions = true,
            description = "Print the full default configuration (TOML, a comment per key).")
    static final class ConfigDefault implements Callable<Integer> {

        @Override
        public Integer call() {
            System.out.print(ConfigLoader.defaultToml());
            System.out.flush();
            return Daemon.EXIT_OK;
        }
    }
}
