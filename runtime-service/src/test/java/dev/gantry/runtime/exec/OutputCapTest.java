package dev.gantry.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputCapTest {

    @Test
    void append_withinCap_keepsStreamsApart() {
        OutputCap cap = new OutputCap(10);

        assertThat(cap.append(OutputCap.STDOUT, bytes("hello"), 5)).isTrue();
        assertThat(cap.append(OutputCap.STDERR, bytes("oops!"), 5)).isTrue();

        assertThat(cap.exceeded()).isFalse();
        assertThat(new String(cap.stdout(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(new String(cap.stderr(), StandardCharsets.UTF_8)).isEqualTo("oops!");
    }

    @Test
    void append_overCapCountingBothStreams_failsOnceAndDropsTheRest() {
        OutputCap cap = new OutputCap(8);
        cap.append(OutputCap.STDOUT, bytes("12345"), 5);

        assertThat(cap.append(OutputCap.STDERR, bytes("6789"), 4)).isFalse();
        assertThat(cap.append(OutputCap.STDOUT, bytes("x"), 1)).as("nothing after the overflow").isFalse();

        assertThat(cap.exceeded()).isTrue();
        assertThat(cap.stdout()).hasSize(5);
        assertThat(cap.stderr()).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
