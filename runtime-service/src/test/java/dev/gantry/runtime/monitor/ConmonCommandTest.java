package dev.gantry.runtime.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ConmonCommandTest {

    private static ConmonCommand command(boolean terminal, boolean stdin, boolean stdinOnce, OptionalLong logSizeMax) {
        return new ConmonCommand(Path.of("/usr/bin/conmon"), "abc123", "web", Path.of("/var/lib/gantry/containers/abc123"),
                Path.of("/usr/sbin/runc"), Path.of("/run/gantry/runc"), Path.of("/run/gantry/containers/abc123/pidfile"),
                Path.of("/run/gantry/containers/abc123/conmon.pid"), Path.of("/var/log/pods/p/web/0.log"),
                Path.of("/run/gantry/exits"), Path.of("/run/gantry/sockets"), terminal, stdin, stdinOnce, logSizeMax);
    }

    @Test
    void argv_plainContainer_namesEveryPathAndNoStreamFlags() {
        assertThat(command(false, false, false, OptionalLong.empty()).argv()).containsExactly(
                "/usr/bin/conmon",
                "--cid", "abc123",
                "--cuuid", "abc123",
                "--name", "web",
                "--bundle", "/var/lib/gantry/containers/abc123",
                "--runtime", "/usr/sbin/runc",
                "--runtime-arg", "--root=/run/gantry/runc",
                "--container-pidfile", "/run/gantry/containers/abc123/pidfile",
                "--conmon-pidfile", "/run/gantry/containers/abc123/conmon.pid",
                "--log-path", "k8s-file:/var/log/pods/p/web/0.log",
                "--exit-dir", "/run/gantry/exits",
                "--socket-dir-path", "/run/gantry/sockets",
                "--persist-dir", "/run/gantry/containers/abc123",
                "--log-level", "error");
    }

    @Test
    void argv_terminal_addsTerminalOnlyEvenWithStdin() {
        List<String> argv = command(true, true, false, OptionalLong.empty()).argv();
        assertThat(argv).endsWith("--terminal").doesNotContain("--stdin", "--leave-stdin-open");
    }

    @Test
    void argv_stdinNotOnce_keepsStdinOpenForTheNextClient() {
        assertThat(command(false, true, false, OptionalLong.empty()).argv()).endsWith("--leave-stdin-open", "--stdin");
    }

    @Test
    void argv_stdinOnce_closesStdinWithTheClient() {
        List<String> argv = command(false, true, true, OptionalLong.empty()).argv();
        assertThat(argv).endsWith("--stdin").doesNotContain("--leave-stdin-open");
    }

    @Test
    void argv_logSizeMax_passesTheLimit() {
        assertThat(command(false, false, false, OptionalLong.of(1048576)).argv()).containsSequence("--log-size-max", "1048576");
    }

    @Test
    void new_idWithSlash_isRefused() {
        assertThatThrownBy(() -> new ConmonCommand(Path.of("/usr/bin/conmon"), "../x", "web", Path.of("/b"), Path.of("/r"),
                Path.of("/root"), Path.of("/p"), Path.of("/c"), Path.of("/l"), Path.of("/e"), Path.of("/s"), false, false, false,
                OptionalLong.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void new_relativePath_isRefused() {
        assertThatThrownBy(() -> new ConmonCommand(Path.of("/usr/bin/conmon"), "x", "web", Path.of("bundle"), Path.of("/r"),
                Path.of("/root"), Path.of("/p"), Path.of("/c"), Path.of("/l"), Path.of("/e"), Path.of("/s"), false, false, false,
                OptionalLong.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bundle");
    }
}
