package dev.gantry.linux.pty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class PtyTest {

    @Test
    void open_resize_sizeReadsBack() throws Exception {
        try (Pty pty = Pty.open()) {
            assertThat(pty.slavePath().toString()).startsWith("/dev/pts/");
            assertThat(Files.exists(pty.slavePath())).isTrue();

            pty.resize(132, 43);

            assertThat(pty.size()).containsExactly(132, 43);
        }
    }

    @Test
    void close_twice_isHarmless_andEndsAreGone() throws Exception {
        Pty pty = Pty.open();
        pty.close();
        pty.close();

        assertThatThrownBy(pty::slaveFd).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pty.resize(1, 1)).isInstanceOf(IllegalStateException.class);
    }
}
