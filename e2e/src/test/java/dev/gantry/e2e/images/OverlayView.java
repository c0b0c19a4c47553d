package dev.gantry.e2e.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A read-only overlayfs mount of unpacked snapshots, as a container's rootfs will stack them: what
 * the kernel shows through it is the proof that whiteouts and opaque dirs were written right.
 */
final class OverlayView implements AutoCloseable {

    private final Path mountpoint;

    private OverlayView(Path mountpoint) {
        this.mountpoint = mountpoint;
    }

    /** @param lowestFirst snapshot dirs, lowest layer first */
    static OverlayView mount(List<Path> lowestFirst) throws IOException, InterruptedException {
        Path mountpoint = Files.createTempDirectory("gantry-e2e-overlay-");
        List<String> lower = new ArrayList<>();
        lowestFirst.forEach(p -> lower.add(p.toString()));
        Collections.reverse(lower);
        run("mount", "-t", "overlay", "overlay", "-o", "ro,lowerdir=" + String.join(":", lower), mountpoint.toString());
        return new OverlayView(mountpoint);
    }

    Path path() {
        return mountpoint;
    }

    /** Runs a command chrooted into the view, returning its output; fails on a non-zero exit. */
    String chroot(String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("chroot", mountpoint.toString()));
        args.addAll(List.of(command));
        return run(args.toArray(String[]::new));
    }

    @Override
    public void close() throws IOException {
        try {
            run("umount", mountpoint.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + mountpoint, e);
        } finally {
            Files.deleteIfExists(mountpoint);
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
