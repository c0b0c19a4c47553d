package dev.gantry.runtime.daemon;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.gantry.common.text.Untrusted;
import org.slf4j.helpers.MessageFormatter;

/**
 * The log message ({@code %safeMsg}) with every argument escaped and cut, and the whole line cut:
 * arguments carry callers' values (hostnames, paths, names), and one with a newline must not forge
 * a second log line, nor a 10 MB field make a 10 MB line. Stack traces are printed apart, unchanged.
 */
public final class SafeMessageConverter extends ClassicConverter {

    static final int MAX_ARGUMENT = 1024;
    static final int MAX_MESSAGE = 8 * 1024;

    @Override
    public String convert(ILoggingEvent event) {
        Object[] args = event.getArgumentArray();
        String message;
        if (args == null || args.length == 0) {
            message = event.getFormattedMessage();
        } else {
            Object[] safe = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                safe[i] = args[i] instanceof Throwable ? args[i] : Untrusted.escape(String.valueOf(args[i]), MAX_ARGUMENT);
            }
            message = MessageFormatter.arrayFormat(event.getMessage(), safe).getMessage();
        }
        return Untrusted.escape(message, MAX_MESSAGE);
    }
}
