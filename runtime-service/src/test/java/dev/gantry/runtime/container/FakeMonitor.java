package dev.gantry.runtime.container;

import dev.gantry.common.errors.ErrorKind;
import dev.gantry.runtime.monitor.ConmonCommand;
import dev.gantry.runtime.monitor.ConmonLaunch;
import dev.gantry.runtime.monitor.ConmonLaunchException;
import dev.gantry.runtime.monitor.ContainerMonitor;
import dev.gantry.runtime.oci.FakeOciRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * conmon as the lifecycle sees it: links the attach dir to the bundle, runs the runtime's create,
 * writes the container's pid file (runc's) and its own. {@link #failNext} fails the launch after the link, as conmon does when
 * {@code runc create} fails.
 */
final class FakeMonitor implements ContainerMonitor {

    private final FakeOciRuntime runtime;
    private final List<Path> reopened = new ArrayList<>();
    private boolean failing;

    FakeMonitor(FakeOciRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public synchronized ConmonLaunch launch(ConmonCommand command, java.time.Instant deadline) {
        try {
            Files.createDirectories(command.socketDir());
            Files.createSymbolicLink(command.socketDir().resolve(command.containerId()), command.bundleDir());
            if (failing) {
                failing = false;
                throw new ConmonLaunchException(ErrorKind.INTERNAL, "create container " + command.containerId()
                        + " with conmon: runc create failed: injected failure", null);
            }
            runtime.create(command.containerId());
            long pid = runtime.state(command.containerId()).orElseThrow().pid();
            Files.writeString(command.containerPidFile(), Long.toString(pid));
            Files.writeString(command.conmonPidFile(), "999999999");
            return new ConmonLaunch(pid, OptionalLong.of(999_999_999L));
        } catch (IOException e) {
            throw new ConmonLaunchException(ErrorKind.INTERNAL, e.getMessage(), e);
        }
    }

    @Override
    public synchronized void reopenLog(Path bundleDir) {
        reopened.add(bundleDir);
    }

    synchronized void failNext() {
        failing = true;
    }

    synchronized List<Path> reopened() {
        return List.copyOf(reopened);
    }
}
