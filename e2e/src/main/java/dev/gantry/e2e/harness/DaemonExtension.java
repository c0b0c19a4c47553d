package dev.gantry.e2e.harness;

import dev.gantry.e2e.client.CriClient;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One real gantryd for a test class: started before the first test, stopped and cleaned up after
 * the last, even when tests fail; a failing test prints the daemon's output.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DaemonExtension gantry = new DaemonExtension();
 * ... gantry.client().runtime().version(...)
 * }</pre>
 */
public final class DaemonExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {

    // Set by beforeAll, before any test can ask for them.
    private @Nullable GantryDaemon daemon;
    private @Nullable CriClient client;

    @Override
    public void beforeAll(ExtensionContext context) {
        daemon = GantryDaemon.create();
        try {
            daemon.startAndAwaitReady();
            client = daemon.client();
        } catch (RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            if (daemon != null) {
                daemon.close();
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (daemon != null) {
            System.err.println("---- gantryd output for failed " + context.getDisplayName() + " ----\n"
                    + daemon.output() + "---- end of gantryd output ----");
        }
    }

    public GantryDaemon daemon() {
        return Objects.requireNonNull(daemon, "beforeAll has not run");
    }

    public CriClient client() {
        return Objects.requireNonNull(client, "beforeAll has not run");
    }
}
