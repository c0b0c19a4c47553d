package dev.gantry.runtime.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Logback configured in code (found through {@code META-INF/services}): one stderr appender, no
 * XML to parse at start. The level comes from the configuration once it is read.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    private static final String PATTERN = "%isoTime %-5level %logger{0}: %safeMsg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        registerConverters(context);
        var encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();

        var stderr = new ConsoleAppender<ILoggingEvent>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stderr);
        // Netty and gRPC explain themselves at debug in detail nobody operating a node needs.
        context.getLogger("io.netty").setLevel(Level.INFO);
        context.getLogger("io.grpc").setLevel(Level.INFO);
        // gRPC asks every connection for SO_KEEPALIVE, which Unix sockets do not have; Netty warns
        // about it once per kubelet connection. Nothing to act on, so not worth an operator's time.
        context.getLogger("io.netty.bootstrap").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Makes {@code %safeMsg} ({@link SafeMessageConverter}) and {@code %isoTime} ({@link LogTimeConverter}) known to patterns in this context. */
    @SuppressWarnings("unchecked")
    private static void registerConverters(LoggerContext context) {
        var rules = (Map<String, Supplier<ch.qos.logback.core.pattern.DynamicConverter<?>>>)
                context.getObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (rules == null) {
            rules = new HashMap<>();
            context.putObject(ch.qos.logback.core.CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        }
        rules.put("safeMsg", SafeMessageConverter::new);
        rules.put("isoTime", LogTimeConverter::new);
    }

    static void setLevel(GantryConfig.LogLevel level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level.name()));
            // Netty and gRPC follow only to trace, and come back to info when a reload leaves trace.
            Level libraries = level == GantryConfig.LogLevel.TRACE ? Level.TRACE : Level.INFO;
            context.getLogger("io.netty").setLevel(libraries);
            context.getLogger("io.grpc").setLevel(libraries);
        }
    }
}
