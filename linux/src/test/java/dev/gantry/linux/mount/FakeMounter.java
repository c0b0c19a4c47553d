package dev.gantry.linux.mount;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/** Mounts as a set of targets; {@link #failOn} makes the mount of matching targets fail as mount(2) would. */
public final class FakeMounter implements Mounter {

    private final Set<Path> mounted = new HashSet<>();
    private Predicate<Path> failing = p -> false;

    @Override
    public synchronized void mount(String source, Path target, String fsType, String data) throws IOException {
        if (failing.test(target)) {
            throw new IOException("mount " + fsType + " on " + target + ": injected failure");
        }
        mounted.add(target);
    }

    @Override
    public synchronized void mountTmpfs(Path target, String options) throws IOException {
        mount("shm", target, "tmpfs", options);
    }

    @Override
    public synchronized void unmountOrDetach(Path target) {
        mounted.removeIf(p -> p.startsWith(target));
    }

    @Override
    public synchronized void unmount(Path target) {
        unmountOrDetach(target);
    }

    @Override
    public synchronized boolean isMountPoint(Path target) {
        return mounted.contains(target);
    }

    public synchronized void failOn(Predicate<Path> targets) {
        failing = targets;
    }

    public synchronized Set<Path> mounted() {
        return Set.copyOf(mounted);
    }
}
