package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class DaemonArgsTest {

    /** What picocli makes of a line: the options serve runs with. */
    private static DaemonOptions picocli(String... args) {
        Gantryd gantryd = new Gantryd();
        var parsed = new CommandLine(gantryd).parseArgs(args);
        if (parsed.hasSubcommand()) {
            Gantryd.Serve serve = (Gantryd.Serve) parsed.subcommand().commandSpec().userObject();
            return serve.options.orElse(serve.parent.options);
        }
        return gantryd.options;
    }

    private record Parsed(Object flags, Optional<java.nio.file.Path> config) {
        static Parsed of(DaemonOptions options) {
            return new Parsed(options.flags(), options.configFile());
        }
    }

    static List<List<String>> plainLines() {
        return List.of(
                List.of(),
                List.of("serve"),
                List.of("--root", "/a", "--state", "/b", "--listen", "unix:///x.sock", "--cni-conf-dir", "/c",
                        "--log-level", "debug", "--config", "/d.toml"),
                List.of("serve", "--root=/a", "--log-level=info"),
                List.of("--root=/x=y", "--state", "/b"),
                List.of("--root="),
                List.of("--listen", "unix:///run/gantry/gantry.sock"));
    }

    @ParameterizedTest
    @MethodSource("plainLines")
    void plainLine_givesWhatPicocliGives(List<String> line) {
        String[] args = line.toArray(String[]::new);

        Optional<DaemonOptions> plain = DaemonArgs.plain(args);

        assertThat(plain).isPresent();
        assertThat(Parsed.of(plain.get())).isEqualTo(Parsed.of(picocli(args)));
    }

    static List<List<String>> picocliLines() {
        return List.of(
                List.of("--help"), List.of("-h"), List.of("--version"), List.of("-V"),
                List.of("serve", "--help"),
                List.of("config", "default"),
                List.of("--lisen", "unix:///x.sock"),
                List.of("--root", "/a", "--root", "/b"),
                List.of("--root=/a", "--root", "/b"),
                List.of("--root"),
                List.of("--root", "--state", "/b"),
                List.of("--root", "serve"),
                List.of("--root", "/a", "serve"),
                List.of("serve", "serve"),
                List.of("@/etc/gantry/args"),
                List.of("--root", "@x"),
                List.of("extra"),
                List.of("--"));
    }

    @ParameterizedTest
    @MethodSource("picocliLines")
    void anythingElse_isLeftToPicocli(List<String> line) {
        assertThat(DaemonArgs.plain(line.toArray(String[]::new))).isEmpty();
    }

    @Test
    void everyDaemonFlagPicocliKnows_isReadTheSameWay() {
        var names = new CommandLine(new Gantryd()).getCommandSpec().options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp())
                .map(OptionSpec::longestName)
                .toList();

        assertThat(names).hasSize(6);
        for (String name : names) {
            Optional<DaemonOptions> plain = DaemonArgs.plain(name, "/v");
            assertThat(plain).as(name).isPresent();
            assertThat(Parsed.of(plain.get())).as(name).isEqualTo(Parsed.of(picocli(name, "/v")));
        }
    }
}
