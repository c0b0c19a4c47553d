package dev.gantry.runtime.container;

import dev.gantry.linux.proc.Processes;
import dev.gantry.runtime.errors.RuntimeHandlerGoneException;
import dev.gantry.runtime.monitor.ContainerMonitor;
import dev.gantry.runtime.monitor.OomCheck;
import dev.gantry.runtime.oci.OciSpecBuilder;
import dev.gantry.runtime.oci.RuncFeatures;
import dev.gantry.runtime.oci.OciRuntime;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What the container manager works with, gathered so constructors stay readable. No part is null:
 * NullAway holds every caller to that when it compiles.
 *
 * @param handlers      the runtime handlers: an OCI runtime and its features per name
 * @param monitor       starts conmon, which creates the container through the runtime
 * @param rootfs        mounts the containers' overlays
 * @param processes     signals running containers' init processes directly (see {@link InitSignals})
 * @param createTimeout how long conmon and {@code runc create} may take
 */
public record ContainerSystem(
        ContainerPaths paths,
        ContainerImages images,
        OciSpecBuilder specs,
        HandlerTable handlers,
        Path conmon,
        ContainerMonitor monitor,
        ContainerRootfs rootfs,
        OomCheck oomCheck,
        Processes processes,
        Clock clock,
        Duration createTimeout) {

    /** The OCI runtime of a handler; the pod's handler was checked at RunPodSandbox, so a miss is a config change. */
    public OciRuntime runtime(String handler) {
        return handlers.known(handler).map(HandlerTable.Handler::runtime).orElseThrow(() -> new RuntimeHandlerGoneException(handler));
    }

    /** The OCI runtime of every handler this run has known, by name. */
    public Map<String, OciRuntime> runtimes() {
        return handlers.runtimes();
    }

    /** What the handler's runtime supports, as probed when it was first configured. */
    public RuncFeatures features(String handler) {
        return handlers.known(handler).map(HandlerTable.Handler::features).orElse(RuncFeatures.NONE);
    }
}
