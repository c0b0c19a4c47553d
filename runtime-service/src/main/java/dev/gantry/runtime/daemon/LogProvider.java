package dev.gantry.runtime.daemon;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J bound to Logback, configured by {@link LogSetup}, without a search of the class path.
 * SLF4J finds its provider, and Logback its configurators, through {@code ServiceLoader}, and the
 * first such lookup opens every jar of the class path to read its directory: some 60 ms of a
 * start to the first Version that otherwise finds its classes in the class-data cache. gantryd
 * names this provider in {@code slf4j.provider} ({@link #select}), so neither lookup runs; a JVM
 * that does not (a test's) finds Logback's own provider and, through it, the same {@link LogSetup}.
 */
public final class LogProvider implements SLF4JServiceProvider {

    /** The SLF4J API version this provider was written against (what Logback's own says). */
    private static final String API_VERSION = "2.0.99";

    private final LoggerContext context = new LoggerContext();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

    /** Makes SLF4J use this provider, unless the JVM was told another; call before the first logger. */
    static void select() {
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", LogProvider.class.getName());
            // SLF4J says at INFO on stderr that it loads a named provider: not news for an operator.
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    @Override
    public void initialize() {
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(mdc);
        LogSetup setup = new LogSetup();
        setup.setContext(context);
        setup.configure(context);
        context.start();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return API_VERSION;
    }
}
