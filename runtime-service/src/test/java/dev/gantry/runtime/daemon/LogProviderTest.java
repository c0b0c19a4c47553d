package dev.gantry.runtime.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogProviderTest {

    @Test
    void initialize_configuresLogbackAsLogSetupDoes_oneStderrLineFormat() {
        LogProvider provider = new LogProvider();
        provider.initialize();

        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        var stderr = (ConsoleAppender<?>) root.getAppender("stderr");
        assertThat(stderr).isNotNull();
        assertThat(stderr.isStarted()).isTrue();
        assertThat(provider.getMDCAdapter()).isNotNull();
        assertThat(provider.getMarkerFactory().getMarker("x").getName()).isEqualTo("x");

        var encoder = (PatternLayoutEncoder) stderr.getEncoder();
        Logger logger = context.getLogger("dev.gantry.runtime.daemon.Daemon");
        var event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "pod {} gone", null, new Object[] {"a\nb"});
        event.setTimeStamp(0);
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).matches("1970-01-0[12]T\\d\\d:\\d\\d:00\\.000(Z|[+-]\\d\\d:\\d\\d) WARN  Daemon: pod a\\\\nb gone\\R");
        context.stop();
    }
}
