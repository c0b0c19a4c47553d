package dev.gantry.cni.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessBuilderLauncherTest {

    @TempDir
    Path dir;

    @Test
    void run_script_passesEnvAndStdinAndCollectsOutput() throws Exception {
        Path script = dir.resolve("plugin");
        Files.writeString(script, "#!/bin/sh\necho \"cmd=$CNI_COMMAND\"\ncat\necho oops >&2\nexit 4\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        ProcessLauncher.Output out = new ProcessBuilderLauncher().run(script, Map.of("CNI_COMMAND", "ADD"),
                "{\"x\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));
        assertThat(out.exitCode()).isEqualTo(4);
        assertThat(new String(out.stdout(), StandardCharsets.UTF_8)).isEqualTo("cmd=ADD\n{\"x\":1}");
        assertThat(new String(out.stderr(), StandardCharsets.UTF_8)).isEqualTo("oops\n");
    }
}
