package dev.gantry.linux.pty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalsTest {

    @Test
    void translateNewlines_turnsOnlcrBackOn_forThePair() throws Exception {
        try (Pty pty = Pty.open()) {
            // runc clears ONLCR on the container's terminal before it runs the exec's command
            assertThat(Terminals.translatesNewlines(pty.slavePath())).isTrue();
            clearOnlcr(pty);
            assertThat(Terminals.translatesNewlines(pty.slavePath())).isFalse();

            Terminals.translateNewlines(pty.slavePath());

            assertThat(Terminals.translatesNewlines(pty.slavePath())).isTrue();
        }
    }

    private static void clearOnlcr(Pty pty) throws Exception {
        byte[] termios = new byte[PtyNatives.TERMIOS_SIZE];
        PtyNatives.tcgetattr(pty.slaveFd(), termios);
        var view = java.nio.ByteBuffer.wrap(termios).order(java.nio.ByteOrder.nativeOrder());
        view.putInt(PtyNatives.C_OFLAG_OFFSET, view.getInt(PtyNatives.C_OFLAG_OFFSET) & ~PtyNatives.ONLCR);
        PtyNatives.tcsetattr(pty.slaveFd(), PtyNatives.TCSANOW, termios);
    }
}
