package dev.gantry.runtime.container;

import dev.gantry.image.ImageManager;
import dev.gantry.runtime.monitor.ConmonLauncher;
import dev.gantry.runtime.monitor.OomCheck;
import dev.gantry.runtime.oci.OciSpecBuilder;
import dev.gantry.runtime.oci.RuncFeatures;
import dev.gantry.runtime.oci.RuncRuntime;
import dev.gantry.sandbox.SandboxManager;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the container manager works with, gathered so constructors stay readable.
 *
 * @param handlers      the runtime handlers: a runc driver and its features per name
 * @param createTimeout how long conmon and {@code runc create} may take
 */
public record ContainerSystem(
        ContainerPaths paths,
        SandboxManager sandboxes,
        ImageManager images,
        OciSpecBuilder specs,
        HandlerTable handlers,
        Path conmon,
        ConmonLauncher launcher,
        OomCheck oomCheck,
        Clock clock,
        Duration createTimeout) {

    public ContainerSystem {
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(sandboxes, "sandboxes");
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(specs, "specs");
        Objects.requireNonNull(handlers, "handlers");
        Objects.requireNonNull(conmon, "conmon");
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(oomCheck, "oomCheck");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(createTimeout, "createTimeout");
    }

    /** The runc driver for a handler; the pod's handler was checked at RunPodSandbox, so a miss is a config change. */
    public RuncRuntime runtime(String handler) {
        return handlers.known(handler).map(HandlerTable.Handler::runtime).orElseThrow(() ->
                new dev.gantry.common.errors.GantryException(dev.gantry.common.errors.ErrorKind.FAILED_PRECONDITION,
                        "runtime handler '" + handler + "' is no longer configured"));
    }

    /** The runc driver of every handler this run has known, by name. */
    public Map<String, RuncRuntime> runtimes() {
        return handlers.runtimes();
    }

    /** What the handler's runtime supports, as probed when it was first configured. */
    public RuncFeatures features(String handler) {
        return handlers.known(handler).map(HandlerTable.Handler::features).orElse(RuncFeatures.NONE);
    }
}
