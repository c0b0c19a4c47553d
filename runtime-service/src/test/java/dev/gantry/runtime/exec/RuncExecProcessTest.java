package dev.gantry.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RuncExecProcessTest {

    @Test
    void argv_runcExecWithProcessFileAndPidFile() {
        ExecTarget target = new ExecTarget("abc", Path.of("/usr/sbin/runc"), Path.of("/run/gantry/runc/runc"),
                Path.of("/var/lib/gantry/containers/abc"), Path.of("/run/gantry/containers/abc"));

        assertThat(RuncExecProcess.argv(target, Path.of("/run/gantry/containers/abc/exec-1.json"), Path.of("/run/gantry/containers/abc/exec-1.pid")))
                .containsExactly("/usr/sbin/runc", "--root", "/run/gantry/runc/runc", "exec",
                        "--process", "/run/gantry/containers/abc/exec-1.json", "--pid-file", "/run/gantry/containers/abc/exec-1.pid", "abc");
    }

    @Test
    void exitCode_exitedOrSignalled() {
        assertThat(RuncExecProcess.exitCode(3 << 8)).isEqualTo(3);
        assertThat(RuncExecProcess.exitCode(0)).isEqualTo(0);
        assertThat(RuncExecProcess.exitCode(9)).isEqualTo(137);
        assertThat(RuncExecProcess.exitCode(15 | 0x80)).as("core dumped flag ignored").isEqualTo(143);
    }
}
