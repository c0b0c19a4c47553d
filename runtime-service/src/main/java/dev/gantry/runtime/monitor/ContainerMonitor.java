package dev.gantry.runtime.monitor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What gantryd asks of the per-container monitor (conmon): create the container through the OCI
 * runtime and watch it, and reopen its log. {@link ConmonLauncher} is the real one; the container
 * lifecycle depends on this interface so it can run in a unit test without conmon or root.
 */
public interface ContainerMonitor {

    /**
     * Starts the monitor, which runs the runtime's create, and returns once the container exists
     * in the created state (not started).
     *
     * @throws ConmonLaunchException with the monitor's or the runtime's message, or when {@code deadline} passed first
     */
    ConmonLaunch launch(ConmonCommand command, Instant deadline);

    /** Asks the container's monitor to close and reopen its log file at the same path; the request is only queued. */
    void reopenLog(Path bundleDir) throws IOException;
}
