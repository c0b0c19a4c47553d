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
 * @param runtimes      one runc driver per runtime handler name
 * @param features      what each handler's runtime supports, probed once at start; a handler
 *                      missing here supports only the baseline
 * @param createTimeout how long conmon and {@code runc create} may take
 */
public record ContainerSystem(
        ContainerPaths paths,
        SandboxManager sandboxes,
        ImageManager images,
        OciSpecBuilder specs,
        Map<String, RuncRuntime> runtimes,
        Map<String, RuncFeatures> features,
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
        runtimes = Map.copyOf(runtimes);
        features = Map.copyOf(features);
        Objects.requireNonNull(conmon, "conmon");
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(oomCheck, "oomCheck");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(createTimeout, "createTimeout");
    }

    /** The runc driver for a handler; the pod's handler was checked at RunPodSandbox, so a miss is a config change. */
    public RuncRuntime runtime(String handler) {
        RuncRuntime runtime = runtimes.get(handler);
        if (runtime == null) {
            throw new dev.gantry.common.errors.GantryException(dev.gantry.common.errors.ErrorKind.FAILED_PRECONDITION,
                    "runtime handler '" + handler + "' is no longer configured");
        }
        return runtime;
    }

    /** What the handler's runtime supports, as probed at start. */
    public RuncFeatures features(String handler) {
        return features.getOrDefault(handler, RuncFeatures.NONE);
    }
}
