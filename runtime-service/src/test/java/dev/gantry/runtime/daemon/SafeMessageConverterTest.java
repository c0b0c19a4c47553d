package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

class SafeMessageConverterTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("test");

    private String convert(String pattern, Object... args) {
        return new SafeMessageConverter().convert(new LoggingEvent(Logger.class.getName(), logger, Level.INFO, pattern, null, args));
    }

    @Test
    void argumentWithNewline_cannotForgeASecondLine() {
        assertThat(convert("pod {} is ready", "web\n2026-12-02T00:00:00Z ERROR Fake: forged"))
                .isEqualTo("pod web\\n2026-12-02T00:00:00Z ERROR Fake: forged is ready");
    }

    @Test
    void hugeArgument_isCut() {
        String line = convert("hostname {}", "h".repeat(10_000_000));

        assertThat(line).hasSizeLessThan(SafeMessageConverter.MAX_ARGUMENT + 100).contains("more characters");
    }

    @Test
    void manyArguments_wholeMessageCut() {
        Object[] args = new Object[20];
        java.util.Arrays.fill(args, "y".repeat(SafeMessageConverter.MAX_ARGUMENT));

        assertThat(convert("{}".repeat(20), args)).hasSizeLessThan(SafeMessageConverter.MAX_MESSAGE + 100);
    }

    @Test
    void plainMessage_unchanged() {
        assertThat(convert("gantryd serving on {} with {} handlers", "unix:///run/gantry/gantry.sock", 2))
                .isEqualTo("gantryd serving on unix:///run/gantry/gantry.sock with 2 handlers");
    }
}
