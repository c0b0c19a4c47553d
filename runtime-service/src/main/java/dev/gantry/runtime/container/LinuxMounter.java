package dev.gantry.runtime.container;

import dev.gantry.linux.mount.Mounts;
import java.io.IOException;
import java.nio.file.Path;

/** The real mounts, through the linux module's syscalls (root). */
public final class LinuxMounter implements Mounter {

    @Override
    public void mount(String source, Path target, String fsType, String data) throws IOException {
        Mounts.mount(source, target, fsType, data);
    }

    @Override
    public void unmountOrDetach(Path target) throws IOException {
        Mounts.unmountOrDetach(target);
    }

    @Override
    public boolean isMountPoint(Path target) throws IOException {
        return Mounts.isMountPoint(target);
    }
}
