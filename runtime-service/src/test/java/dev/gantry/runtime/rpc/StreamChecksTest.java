package dev.gantry.runtime.rpc;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.common.errors.GantryException;
import org.junit.jupiter.api.Test;

class StreamChecksTest {

    @Test
    void streams_ttyWithStderr_isInvalid() {
        assertThatThrownBy(() -> StreamChecks.streams("Exec", true, true, true, true))
                .isInstanceOfSatisfying(GantryException.class, e -> org.assertj.core.api.Assertions.assertThat(e.kind())
                        .isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessageContaining("tty and stderr cannot both be true");
    }

    @Test
    void streams_noneRequested_isInvalid() {
        assertThatThrownBy(() -> StreamChecks.streams("Attach", false, false, false, false))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining("Attach: one of stdin, stdout or stderr must be set");
    }

    @Test
    void streams_ttyWithStdinAndStdout_isAccepted() {
        assertThatCode(() -> StreamChecks.streams("Exec", true, true, true, false)).doesNotThrowAnyException();
        assertThatCode(() -> StreamChecks.streams("Exec", false, false, false, true)).doesNotThrowAnyException();
    }
}
