package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GantrydCommandTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Gantryd.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void configDefault_printsTheEmbeddedToml() {
        Run run = run("config", "default");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo(ConfigLoader.defaultToml());
    }

    @Test
    void unknownFlag_exitsTwoWithUsage() {
        Run run = run("--lisen", "unix:///x.sock");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("'--lisen'").contains("Possible solutions: --listen");
    }

    @Test
    void version_printsBuildVersion() {
        Run run = run("--version");

        assertThat(run.exit()).isZero();
        assertThat(run.out()).startsWith("gantryd " + BuildInfo.version());
        assertThat(BuildInfo.version()).doesNotContain("${");
    }

    @Test
    void serveFlags_beforeOrAfterSubcommand_bothCount() {
        var parsed = new CommandLine(new Gantryd()).parseArgs("--root", "/a", "serve", "--state", "/b");
        Gantryd.Serve serve = (Gantryd.Serve) parsed.subcommand().commandSpec().userObject();

        DaemonOptions effective = serve.options.orElse(serve.parent.options);

        assertThat(effective.flags()).containsEntry("root", new ConfigLoader.Flag("--root", "/a"))
                .containsEntry("state", new ConfigLoader.Flag("--state", "/b"));
        assertThat(effective.configFile()).isEmpty();
    }

    @Test
    void badConfigFile_exitsTwo() {
        Run run = run("--config", Path.of("/nonexistent/gantry.toml").toString());

        assertThat(run.exit()).isEqualTo(2);
    }
}
