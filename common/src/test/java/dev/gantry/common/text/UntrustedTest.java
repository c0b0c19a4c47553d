package dev.gantry.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UntrustedTest {

    @Test
    void plainText_unchanged() {
        assertThat(Untrusted.escape("web-1.default", 200)).isEqualTo("web-1.default");
    }

    @Test
    void newlinesAndEscapes_madeVisible_soNoSecondLineCanBeForged() {
        assertThat(Untrusted.escape("a\nb\r\tc\u001b[31m\u0085", 200)).isEqualTo("a\\nb\\r\\tc\\u001b[31m\\u0085");
    }

    @Test
    void longValue_cutWithWhatWasLeftOut() {
        String cut = Untrusted.escape("x".repeat(1_000_000), 200);

        assertThat(cut).startsWith("x".repeat(200) + "…").endsWith("(999800 more characters)").hasSizeLessThan(240);
    }

    @Test
    void cutAndEscaped_together() {
        assertThat(Untrusted.escape("\n".repeat(10), 3)).isEqualTo("\\n\\n\\n… (7 more characters)");
    }

    @Test
    void nonAsciiText_kept() {
        assertThat(Untrusted.escape("größe – 容器", 200)).isEqualTo("größe – 容器");
    }
}
