package dev.gantry.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProcStatusTest {

    @Test
    void innermostPid_nestedNamespaces_isTheLastNSpid() {
        String status = "Name:\tsleep\nState:\tS (sleeping)\nTgid:\t4242\nPid:\t4242\nNSpid:\t4242\t17\t1\nNStgid:\t4242\t17\t1\n";

        assertThat(ProcStatus.innermostPid(status)).hasValue(1);
    }

    @Test
    void innermostPid_noNSpidLine_empty() {
        assertThat(ProcStatus.innermostPid("Name:\tx\nPid:\t7\n")).isEmpty();
    }

    @Test
    void innermostPid_thisProcess_isItsOwnPidInTheNamespaceItRunsIn() throws Exception {
        long self = ProcessHandle.current().pid();

        OptionalLong inner = ProcStatus.innermostPid(self);

        // The tests run in the namespace their pid is counted in, so the innermost pid is that pid.
        assertThat(inner).hasValue(self);
    }

    @Test
    void innermostPid_noSuchProcess_empty() throws Exception {
        assertThat(ProcStatus.innermostPid(Integer.MAX_VALUE)).isEmpty();
    }
}
