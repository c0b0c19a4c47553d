package dev.gantry.linux.mount;

import java.io.IOException;
import java.nio.file.Path;

/** The real mounts, through {@link Mounts}' syscalls (root). */
public final class LinuxMounter implements Mounter {

    @Override
    public void mount(String source, Path target, String fsType, String data) throws IOException {
        Mounts.mount(source, target, fsType, data);
    }

    @Override
    public void mountTmpfs(Path target, String options) throws IOException {
        Mounts.mountTmpfs(target, options);
    }

    @Override
    public void unmountOrDetach(Path target) throws IOException {
        Mounts.unmountOrDetach(target);
    }

    @Override
    public void unmount(Path target) throws IOException {
        Mounts.unmount(target);
    }

    @Override
    public boolean isMountPoint(Path target) throws IOException {
        return Mounts.isMountPoint(target);
    }
}
