package dev.gantry.linux.mount;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The mount(2) calls pods and containers make, as an object: {@link LinuxMounter} makes them
 * through {@link Mounts}; a test hands the lifecycle a fake so it runs without root.
 */
public interface Mounter {

    /** mount(2) of {@code fsType} on {@code target} with {@code data} as its options. */
    void mount(String source, Path target, String fsType, String data) throws IOException;

    /** A nosuid, nodev, noexec tmpfs on {@code target} with {@code options} as its data (a pod's /dev/shm). */
    void mountTmpfs(Path target, String options) throws IOException;

    /** Unmounts {@code target} and what is stacked on it; not mounted or missing is done already; busy is detached. */
    void unmountOrDetach(Path target) throws IOException;

    /** Detaches {@code target} and what is stacked on it at once (MNT_DETACH); not mounted or missing is done already. */
    void unmount(Path target) throws IOException;

    boolean isMountPoint(Path target) throws IOException;
}
