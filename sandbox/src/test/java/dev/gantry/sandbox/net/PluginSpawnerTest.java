package dev.gantry.sandbox.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.cni.exec.ProcessLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginSpawnerTest {

    @TempDir
    Path dir;

    @Test
    void run_plugin_getsCniVariablesOverGantrydsEnvironmentAndItsConfigOnStdin() throws Exception {
        Path plugin = script("echo \"cmd=$CNI_COMMAND path=${PATH:+set}\"\ncat\necho oops >&2\nexit 4\n");

        ProcessLauncher.Output out = new PluginSpawner().run(plugin, Map.of("CNI_COMMAND", "ADD"),
                "{\"x\":1}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30));

        assertThat(out.exitCode()).isEqualTo(4);
        assertThat(new String(out.stdout(), StandardCharsets.UTF_8)).isEqualTo("cmd=ADD path=set\n{\"x\":1}");
        assertThat(new String(out.stderr(), StandardCharsets.UTF_8)).isEqualTo("oops\n");
    }

    @Test
    void run_pluginPastTheTimeout_killedAndReported() throws Exception {
        Path plugin = script("exec sleep 30\n");

        assertThatThrownBy(() -> new PluginSpawner().run(plugin, Map.of(), new byte[0], Duration.ofMillis(200)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not exit within 200 ms");
    }

    @Test
    void environment_gantrydsWithoutSystemdsVariables_cniOnesWin() {
        Map<String, String> env = PluginSpawner.environment(
                Map.of("PATH", "/usr/bin", "NOTIFY_SOCKET", "/run/systemd/notify", "LISTEN_FDS", "1", "LISTEN_PID", "7",
                        "CNI_COMMAND", "stale"),
                Map.of("CNI_COMMAND", "DEL"));

        assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/usr/bin", "CNI_COMMAND", "DEL"));
    }

    private Path script(String body) throws IOException {
        Path script = dir.resolve("plugin");
        Files.writeString(script, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
