package dev.gantry.runtime.container;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The mount(2) calls a container's file systems need. {@link LinuxMounter} makes them; a test
 * hands {@link ContainerRootfs} a fake so the lifecycle runs without root.
 */
public interface Mounter {

    /** mount(2) of {@code fsType} on {@code target} with {@code data} as its options. */
    void mount(String source, Path target, String fsType, String data) throws IOException;

    /** Unmounts {@code target} and what is stacked on it; not mounted or missing is done already; busy is detached. */
    void unmountOrDetach(Path target) throws IOException;

    boolean isMountPoint(Path target) throws IOException;
}
