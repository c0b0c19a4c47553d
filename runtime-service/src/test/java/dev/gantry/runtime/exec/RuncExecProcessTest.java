package dev.gantry.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RuncExecProcessTest {

    @Test
    void exitCode_exitedOrSignalled() {
        assertThat(RuncExecProcess.exitCode(3 << 8)).isEqualTo(3);
        assertThat(RuncExecProcess.exitCode(0)).isEqualTo(0);
        assertThat(RuncExecProcess.exitCode(9)).isEqualTo(137);
        assertThat(RuncExecProcess.exitCode(15 | 0x80)).as("core dumped flag ignored").isEqualTo(143);
    }
}
